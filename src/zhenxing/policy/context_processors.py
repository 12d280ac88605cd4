"""What every page may say about the regime in force today (P17): `object_name` (监测对象 in 2025,
防止返贫致贫对象 from 2026). Lazy: only a page that writes the word reads the regime."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from zhenxing.common import clock
from zhenxing.policy.wording import object_name_on


def regime_wording(request: HttpRequest) -> dict[str, Any]:
    return {"object_name": SimpleLazyObject(lambda: object_name_on(clock.today()))}
