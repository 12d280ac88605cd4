"""The demo's fund ledger (P14) in 南涧, on the demo project library (synth/demo_projects.py), made through the
fund services by the demo users so that every entry has its audit event, as they would have entered it:

the prefecture's 财政局 (demo_prefecture_finance) enters a central and a provincial document, each with lines
for 南涧 and two other counties in one document; 南涧's 财政局 (demo_finance) enters the county's own document,
splits the lines to the library's road projects, pays them as the work goes on (the bridge paid in full, the
emergency repair at once, the 储备 project nothing), reverses a payment made to a wrong account and pays it again;
南涧's 乡村振兴局 (demo_county) has proposed a split of the county money that waits for the finance bureau.
Paid about half of what came: 南涧 is behind the schedule, so the 支出进度 warnings have something to say.

Past entries are made with the process clock moved back, as in synth/demo_projects.py. Idempotent: once the
county's document exists it does nothing; one transaction, all or nothing."""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction

from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.funds import services
from zhenxing.funds.inputs import AllocationInput, LineInput
from zhenxing.funds.models import Allocation, AllocationLine, Payment, Split
from zhenxing.projects.enums import LIBRARY_STATES
from zhenxing.projects.models import Project

COUNTY = "532926"  # 南涧
OTHERS = ("532927", "532928")  # 巍山, 永平: lines of the same documents
BRIDGE = "南涧县团山村至西山村公路桥梁改造"
SAFETY = "南涧县西山片区农村公路安全生命防护工程"
UPGRADE = "南涧县西山村通村公路提升改造"
LINK = "南涧镇西山村至团山村连接道路"
PATH = "西山村委会小村组入户路硬化"
FARM_ROAD = "西山村委会大村组产业路硬化"
REPAIR = "西山村委会大村组水毁道路抢修"


@dataclass(frozen=True)
class DemoFundsResult:
    documents: int
    splits: int
    payments: int
    seconds: float


@contextmanager
def _at(today: datetime.date, back: int) -> Iterator[None]:
    with clock.travel(today - datetime.timedelta(days=back)):
        yield


def _county_doc(year: int) -> str:
    return f"南财农〔{year}〕21号"


def demo_funds_ensure(*, today: datetime.date | None = None) -> DemoFundsResult | None:
    """None when it exists already, or when the demo users or the demo library are missing."""
    day = today or clock.today()
    if Allocation.objects.filter(doc_number=_county_doc(day.year)).exists():
        return None
    users = {u.username: u for u in User.objects.filter(username__in=("demo_finance", "demo_prefecture_finance",
                                                                        "demo_county"))}  # fmt: skip
    projects = {
        p.name: p
        for p in Project.objects.filter(
            county__code=COUNTY, status__in=LIBRARY_STATES, year=day.year
        ).order_by("version")
    }
    needed = (BRIDGE, SAFETY, UPGRADE, LINK, PATH, FARM_ROAD, REPAIR)
    if len(users) < 3 or any(name not in projects for name in needed):
        return None
    started = time.perf_counter()
    with transaction.atomic():
        counts = _build(day, users, projects)
    return DemoFundsResult(*counts, seconds=time.perf_counter() - started)


def _build(day: datetime.date, users: dict[str, User], projects: dict[str, Project]) -> tuple[int, int, int]:
    year = day.year
    prefecture, finance, county = (
        users["demo_prefecture_finance"],
        users["demo_finance"],
        users["demo_county"],
    )

    def document(back: int, number: str, level: str, title: str, lines: list[tuple[str, str, str]],
                 actor: User) -> dict[str, AllocationLine]:  # fmt: skip
        issued = day - datetime.timedelta(days=back)
        with _at(day, back):
            allocation = services.allocation_create(
                actor=actor, data=AllocationInput(
                    doc_number=number, issued_on=issued, level=level, budget_year=year,
                    advance=issued.year < year, title=title,
                    lines=tuple(LineInput(code, source, amount) for code, source, amount in lines),
                ),
            )  # fmt: skip
        return {line.source: line for line in allocation.lines.filter(county__code=COUNTY)}

    central = document(
        160, f"云财农〔{year}〕88号", "central", f"关于下达{year}年中央财政衔接推进乡村振兴补助资金（第二批）的通知",
        [(COUNTY, "central", "1300"), (OTHERS[0], "central", "900"), (OTHERS[1], "central", "700")], prefecture,
    )["central"]  # fmt: skip
    province = document(
        150, f"云财农〔{year}〕89号", "province", f"关于下达{year}年省级财政衔接推进乡村振兴补助资金（第二批）的通知",
        [(COUNTY, "province", "128"), (OTHERS[0], "province", "60")], prefecture,
    )["province"]  # fmt: skip
    own = document(
        140, _county_doc(year), "county", f"关于安排{year}年县级财政衔接推进乡村振兴资金的通知",
        [(COUNTY, "county", "40")], finance,
    )["county"]  # fmt: skip

    splits: dict[tuple[str, str], Split] = {}
    with _at(day, 120):
        for name, line, amount in (
            (BRIDGE, central, "188"), (SAFETY, central, "300"), (UPGRADE, central, "400"), (LINK, central, "200"),
            (PATH, central, "42"), (FARM_ROAD, central, "70"), (LINK, province, "48"), (UPGRADE, province, "80"),
        ):  # fmt: skip
            splits[(name, line.source)] = services.split_create(
                actor=finance, line=line, project=projects[name], amount=amount
            )
    with _at(day, 35):
        splits[(REPAIR, "central")] = services.split_create(
            actor=finance, line=central, project=projects[REPAIR], amount="35.8"
        )
    with _at(day, 8):  # the 乡村振兴局's proposal, waiting for the finance bureau
        services.split_create(actor=county, line=own, project=projects[FARM_ROAD], amount="16.5")

    payments: list[Payment] = []
    number = [0]

    def pay(back: int, name: str, source: str, amount: str) -> Payment:
        number[0] += 1
        split = splits[(name, source)]
        with _at(day, back):
            payment = services.payment_create(
                actor=finance, split=split, amount=amount, paid_on=clock.today(), payee=split.project.implementing_unit,
                voucher=f"南财支〔{year}〕{number[0]:04d}号",
            )  # fmt: skip
        payments.append(payment)
        return payment

    pay(100, BRIDGE, "central", "100")
    wrong = pay(60, BRIDGE, "central", "88")
    pay(95, SAFETY, "central", "150")
    pay(40, SAFETY, "central", "50")
    pay(90, PATH, "central", "40")
    pay(80, UPGRADE, "central", "120")
    pay(20, UPGRADE, "province", "30")
    pay(60, LINK, "central", "30")
    pay(20, REPAIR, "central", "35.8")
    with _at(day, 50):
        payments.append(
            services.payment_reverse(
                actor=finance, payment=wrong, amount="88", reason="收款单位账号有误，原路退回后重新支付",
                voucher=f"南财支〔{year}〕冲0001号", on=clock.today(),
            )
        )  # fmt: skip
    pay(45, BRIDGE, "central", "88")
    return 3, len(splits) + 1, len(payments)
