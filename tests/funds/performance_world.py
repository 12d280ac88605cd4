"""A small county year for 绩效评价 tests (P14), every number countable by hand.

南涧 (COUNTY), projects of this year:
- A road, 竣工: 3 targets (2 met, 1 not), plan posted (no result notice); split 80 万元, paid 30;
- B road, 在建: plan posted;
- C walnut (industry), 储备: mechanism and 95 people; a plan notice left as a draft;
- D walnut (industry), 储备: a mechanism, 0 people;
- E road, 终止: split 20, paid 10 (10 recovered);
- F road, 出库 (left out); G road of last year (left out); H road of 大理市 (another county).
Allocated 150 万元 central for this budget year. By hand:
支出进度 40 / 150 = 26.67%; 完工率 1 / 5 = 20.00%; 绩效目标 2 / 3 = 66.67%; 公告公示 1 / 5 = 20.00% (B only);
联农带农 1 / 2 = 50.00%. Weights 30/20/20/15/15: 8.00 + 4.00 + 13.33 + 3.00 + 7.50 = 35.83 → 不合格."""

from __future__ import annotations

from dataclasses import dataclass

from tests.conftest import OTHER_COUNTY, OTHER_COUNTY_VILLAGE
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.funds import services
from zhenxing.funds.models import Split
from zhenxing.projects import notices
from zhenxing.projects import services as projects
from zhenxing.projects.models import Project
from zhenxing.projects.targets import target_result_record

from .builders import allocation, fund_users, library_project


@dataclass
class World:
    users: dict[str, User]
    p: dict[str, Project]
    year: int
    split_a: Split


def pay(finance: User, split: Split, amount: str, voucher: str) -> None:
    services.payment_create(
        actor=finance,
        split=split,
        amount=amount,
        paid_on=clock.today(),
        payee="南涧县鑫达建筑公司",
        voucher=voucher,
    )


def post(county: User, kind: str, chosen: list[Project], *, draft: bool = False) -> None:
    notice = notices.notice_create(
        actor=county,
        kind=kind,
        projects=chosen,
        title=f"{kind}公示",
        object_to="南涧县乡村振兴局 0872-6021234",
    )
    if not draft:
        notices.notice_post(actor=county, notice=notice)


def build_world() -> World:
    users = fund_users()
    county, finance = users["county"], users["finance"]
    year = clock.today().year
    p = {
        "A": library_project(county, status="completed", name="西山村A组道路硬化"),
        "B": library_project(county, status="building", name="西山村B组道路硬化"),
        "C": library_project(county, industry=True, name="西山村核桃提质增效C", linked_tuopin_people=86),
        "D": library_project(
            county,
            industry=True,
            name="西山村核桃提质增效D",
            linked_tuopin_people=0,
            linked_monitoring_people=0,
        ),
        "E": library_project(county, status="started", name="西山村E组道路硬化"),
        "F": library_project(county, name="西山村F组道路硬化"),
        "G": library_project(county, status="completed", name="西山村G组道路硬化", year=year - 1),
    }
    other = make_user(Role.COUNTY, OTHER_COUNTY, username="perf_dali")
    p["H"] = library_project(
        other,
        status="completed",
        name="大理市H道路",
        places=[(OTHER_COUNTY_VILLAGE, "")],
        implementing_unit="大理镇",
    )
    line = allocation(finance, budget_year=year).lines.get()
    split_a = services.split_create(actor=finance, line=line, project=p["A"], amount="80")
    pay(finance, split_a, "30", "记-A1")
    split_e = services.split_create(actor=finance, line=line, project=p["E"], amount="20")
    pay(finance, split_e, "10", "记-E1")
    projects.project_move(actor=county, project=p["E"], to="terminated", opinion="群众意见较大，终止实施")
    projects.project_move(actor=county, project=p["F"], to="withdrawn", opinion="选址变更，不再实施")
    targets = list(p["A"].targets.order_by("pk"))
    target_result_record(actor=county, target=targets[0], result_value="2.6公里", achieved=True)
    target_result_record(actor=county, target=targets[1], result_value="130人", achieved=True)
    target_result_record(actor=county, target=targets[2], result_value="85%", achieved=False)
    post(county, "plan", [p["A"], p["B"]])
    post(county, "plan", [p["C"]], draft=True)
    for key in p:
        p[key].refresh_from_db()
    return World(users, p, year, split_a)
