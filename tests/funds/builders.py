"""Builders for fund tests: the finance bureaus and the county's 乡村振兴局, library projects (imported as an
existing library's rows: in the library at once, as P14 counts it), and an allocation document."""

from __future__ import annotations

import datetime
from typing import Any

from tests.conftest import COUNTY, OTHER_COUNTY, PREFECTURE
from tests.factories import make_user
from tests.projects.builders import industry_input, project_input
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.funds import services
from zhenxing.funds.inputs import AllocationInput, LineInput
from zhenxing.funds.models import Allocation
from zhenxing.projects import services as projects
from zhenxing.projects.models import Project


def fund_users() -> dict[str, User]:
    return {
        "finance": make_user(Role.FINANCE, COUNTY, username="f_caizheng"),
        "prefecture_finance": make_user(Role.FINANCE, PREFECTURE, username="f_zhou_caizheng"),
        "county": make_user(Role.COUNTY, COUNTY, username="f_xian"),
        "prefecture": make_user(Role.PREFECTURE, PREFECTURE, username="f_zhou"),
        "other_finance": make_user(Role.FINANCE, OTHER_COUNTY, username="f_dali_caizheng"),
    }


def library_project(
    county_user: User, *, industry: bool = False, status: str = "reserved", **changes: Any
) -> Project:
    """A project of 西山村 in the library (储备 by default): road 120.5 万元 (central 100, county 20.5), or the
    walnut planting project with the same money when `industry`."""
    data = industry_input(**changes) if industry else project_input(**changes)
    decided = clock.today() - datetime.timedelta(days=30)
    return projects.project_import_row(
        actor=county_user, data=data, level="village", status=status, decided_on=decided
    )


def allocation(
    finance: User, *, doc_number: str = "南财农〔2026〕1号", lines: tuple[tuple[str, str, str], ...] = ((COUNTY, "central", "150"),),
    issued_on: datetime.date | None = None, budget_year: int | None = None, level: str = "central",
) -> Allocation:  # fmt: skip
    today = clock.today()
    return services.allocation_create(
        actor=finance,
        data=AllocationInput(
            doc_number=doc_number, issued_on=issued_on or today - datetime.timedelta(days=20), level=level,
            budget_year=budget_year or today.year, advance=False, title="衔接资金下达",
            lines=tuple(LineInput(county, source, amount) for county, source, amount in lines),
        ),
    )  # fmt: skip
