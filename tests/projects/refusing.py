"""What the P14 refusal tests share (test_refusals_entry.py, test_refusals_steps.py): reading an InvalidInput's
fields and messages, a proposal that must be refused whole, and a project brought to each review step."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.projects.builders import (
    announce_proposal,
    minutes_pdf,
    project_input,
)
from tests.projects.stored import nothing_stored
from zhenxing.accounts.models import User
from zhenxing.common.errors import InvalidInput
from zhenxing.projects import services
from zhenxing.projects.models import Project

CHINESE = re.compile(r"[\u4e00-\u9fff]")
OTHER_TOWNSHIP_VILLAGE = "532926102201"  # 神舟村委会, 小湾东镇


def locs(error: InvalidInput) -> set[str]:
    return {".".join(map(str, detail.loc)) for detail in error.details}


def message_at(error: InvalidInput, loc: str) -> str:
    return "；".join(d.message for d in error.details if ".".join(map(str, d.loc)) == loc)


def all_chinese(error: Any) -> bool:
    return all(CHINESE.search(detail.message) for detail in error.errors())


def refused_proposal(actor: User, **changes: Any) -> InvalidInput:
    """Propose `project_input(**changes)` as `actor`: it must be refused whole, storing nothing."""
    with nothing_stored(), pytest.raises(InvalidInput) as caught:
        services.project_propose(actor=actor, data=project_input(**changes))
    assert all_chinese(caught.value)
    return caught.value


def at_township_review(users: dict[str, User]) -> Project:
    project = services.project_propose(actor=users["village"], data=project_input())
    announce_proposal(project, users["village"])
    return services.project_move(actor=users["village"], project=project, to="township_review")


def at_county_review(users: dict[str, User]) -> Project:
    project = at_township_review(users)
    project = services.project_move(
        actor=users["township"], project=project, to="department_review", opinion="同意"
    )
    return services.project_move(actor=users["sector"], project=project, to="county_review", opinion="同意")


def at_prefecture_decision(users: dict[str, User]) -> Project:
    return services.project_move(
        actor=users["county"], project=at_county_review(users), to="prefecture_decision", opinion="同意",
        files=[minutes_pdf()],
    )  # fmt: skip
