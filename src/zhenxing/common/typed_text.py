"""Text an API request may carry: the same rule the request guard holds for page forms (no NUL or other control
character — PostgreSQL refuses NUL in text, so one would otherwise fail deep inside a service with a 500), as a
pydantic type for the JSON schemas, refused as a 422 naming the field with a Chinese message."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

# what no typed text holds: control characters other than tab, line feed and carriage return
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _without_control_characters(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise ValueError("含有不可见的控制字符，请删除后重新提交")
    return value


Text = Annotated[str, AfterValidator(_without_control_characters)]
