"""The data every page of the smoke run shows: the demo's own scenario (synth/demo_scenario.py: the demo users,
西山村 households at every step, feeds, a screening round with open leads of each grade, notices, plans with
measures), plus what the scenario does not make: an import batch that failed validation and one committed, a
portal application, a lead dismissed by hand, and the fund ledger of 南涧 (P14: a county document and a
prefecture one, a split to a library project with a payment and its reversal, a split the county proposed). Built
once per module, through the services (audited)."""

from __future__ import annotations

import datetime
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from zhenxing.accounts.demo import DEMO_USERS, demo_users_ensure
from zhenxing.accounts.models import User
from zhenxing.dashboards.refresh import aggregates_refresh
from zhenxing.divisions.codes import county_of
from zhenxing.divisions.models import Division
from zhenxing.feeds.models import FeedBatch
from zhenxing.monitoring.models import Case, Notice
from zhenxing.policy.models import Parameter
from zhenxing.registry.models import Household
from zhenxing.screening.models import Lead, ScreeningRun
from zhenxing.synth.demo_scenario import FAMILIES, VILLAGE, demo_scenario_ensure, household_code
from zhenxing.transfer.models import ImportBatch

from ..shipped import shipped_data_ensure
from ..transfer.workbook_builder import member_rows, workbook, year_rows

ROLES = (
    "village", "township", "county", "prefecture", "department", "county_sector", "admin", "finance",
    "prefecture_finance",
)  # fmt: skip
# the demo user of each role, where its name is not demo_<role> (both finance bureaus are the 财政 role)
DEMO_USERNAMES = {"county_sector": "demo_sector"}


@dataclass
class World:
    users: dict[str, User]
    household: Household  # the monitored household with a plan whose measures are in every state
    cases: dict[str, Case]  # one case per status of the village
    leads: dict[str, Lead]  # an open lead per grade, and "dismissed"
    notice: Notice
    feed_batch: FeedBatch  # the demo department's own batch
    imports: dict[str, ImportBatch]  # "invalid" and "committed"
    parameter: Parameter
    division_of: dict[str, str] = field(default_factory=dict)  # role -> a division code it may open
    tracking_code: str = ""  # the portal application's, for its 已提交 page
    screening_run: ScreeningRun | None = None  # the scenario's prefecture-wide round
    lowincome_lead: Lead | None = None  # the village's lead from the 民政比对 (P17), open
    # the fund ledger's objects by name (pk): allocation, line, split, proposed, payment, reversal, project
    funds: dict[str, int] = field(default_factory=dict)
    # the asset register's objects by name (pk): project, road, station, cattle, disposal, plan, import, file
    assets: dict[str, int] = field(default_factory=dict)
    # the plan's indicators and 南涧's assessment by name (pk): waiting, returned, period, value, assessment,
    # finding, task, member
    planning: dict[str, int] = field(default_factory=dict)


def _imports(village_user: User) -> dict[str, ImportBatch]:
    from zhenxing.transfer import services

    bad = member_rows(VILLAGE, 3, seed=7, code_prefix="SMOKE-BAD-")
    bad[0]["证件号码"] = "110105194912310021"  # a wrong check character
    bad[2]["与户主关系"] = "朋友"
    invalid = services.import_stage(
        actor=village_user, file_name="西山村台账（有误）.xlsx", data=workbook(bad)
    )
    good = member_rows(VILLAGE, 2, seed=8, code_prefix="SMOKE-OK-")
    staged = services.import_stage(
        actor=village_user, file_name="西山村台账.xlsx", data=workbook(good, year_rows(good))
    )
    services.import_confirm(actor=village_user, batch=staged)
    committed = services.import_commit(batch_id=staged.pk)
    return {"invalid": invalid, "committed": committed}


def _portal_application() -> str:
    from zhenxing.portal.services import application_submit

    return application_submit(
        village=Division.objects.get(code=VILLAGE), name="罗小芬", id_number="532926198805290020",
        phone="13908721234", difficulties=["医疗"], description="丈夫住院，医药费花了三万多",
        on_behalf=False, ip_address="127.0.0.1",
    ).tracking_code  # fmt: skip


def _funds(users: dict[str, User]) -> dict[str, int]:
    """南涧's ledger (P14): a library project of 西山村 (imported as an existing library's row, as the demo's
    library is not built by the scenario), the county bureau's document with two lines, a split paid in part and
    one payment partly reversed, a split the county's 乡村振兴局 proposed, and a prefecture document for two
    counties."""
    import datetime

    from zhenxing.common import clock
    from zhenxing.funds import services
    from zhenxing.funds.inputs import AllocationInput, LineInput
    from zhenxing.projects.services import project_import_row

    from ..projects.builders import project_input

    today = clock.today()
    finance, county = users["finance"], users["county"]
    project = project_import_row(
        actor=county, data=project_input(name="西山村委会大村组产业路硬化"), level="village", status="reserved",
        decided_on=today - datetime.timedelta(days=60),
    )  # fmt: skip
    document = services.allocation_create(
        actor=finance,
        data=AllocationInput(
            doc_number=f"南财农〔{today.year}〕12号", issued_on=today - datetime.timedelta(days=40), level="county",
            budget_year=today.year, title="关于下达本级财政衔接推进乡村振兴补助资金的通知",
            lines=(LineInput("532926", "central", "300"), LineInput("532926", "county", "80.5")),
        ),
    )  # fmt: skip
    services.allocation_create(
        actor=users["prefecture_finance"],
        data=AllocationInput(
            doc_number=f"大财农〔{today.year}〕3号", issued_on=today - datetime.timedelta(days=50),
            level="prefecture", budget_year=today.year, advance=True, title="提前下达州级衔接资金",
            lines=(LineInput("532926", "province", "120"), LineInput("532901", "province", "95.25")),
        ),
    )  # fmt: skip
    line = document.lines.get(source="central")
    split = services.split_create(actor=finance, line=line, project=project, amount="60")
    payment = services.payment_create(
        actor=finance, split=split, amount="25", paid_on=today - datetime.timedelta(days=10),
        payee="南涧县鑫达建筑工程有限公司", voucher=f"记-{today.year}-0012",
    )  # fmt: skip
    reversal = services.payment_reverse(
        actor=finance, payment=payment, amount="5", reason="收款账号录入错误，退回后重新支付",
        voucher=f"冲-{today.year}-0003", on=today - datetime.timedelta(days=5),
    )  # fmt: skip
    proposed = services.split_create(actor=county, line=line, project=project, amount="20")
    return {
        "allocation": document.pk, "line": line.pk, "split": split.pk, "proposed": proposed.pk,
        "payment": payment.pk, "reversal": reversal.pk, "project": project.pk,
    }  # fmt: skip


def _planning(users: dict[str, User]) -> dict[str, int]:
    """The demo's planning data (synth/planning_demo.py: 西山村's work team one member short, a 南涧镇 value waiting
    for the county and one returned, 2025 frozen), then 南涧's 2025 assessment computed by the prefecture, a
    挂牌督办 with a task, and a field finding (P12, P16, P11)."""
    from decimal import Decimal

    from zhenxing.common import clock
    from zhenxing.planning import assessment, services
    from zhenxing.planning.enums import ReportStatus, SupervisionKind, SupervisionReason
    from zhenxing.planning.models import IndicatorReport, IndicatorValue, Period, WorkTeamMember
    from zhenxing.synth.planning_demo import demo_planning_ensure

    demo_planning_ensure()
    county, prefecture = Division.objects.get(code=county_of(VILLAGE)), users["prefecture"]
    reports = IndicatorReport.objects.filter(county=county).order_by("pk")
    period = Period.objects.get(kind="year", year=2025, number=0)
    value = IndicatorValue.objects.get(
        indicator__code="income_per_capita", period=period, division=county, is_current=True
    )
    graded = assessment.assessment_compute(county=county, year=2025, actor=prefecture)
    supervision = services.supervision_open(
        assessment=graded, kind=SupervisionKind.LISTING, reasons=[SupervisionReason.GRADE], actor=prefecture
    )
    task = services.task_add(
        actor=prefecture, supervision=supervision, title="逾期未核实预警线索全部办结", detail="一个月内办结",
        owner="南涧县乡村振兴局", owner_person="张敏", due_on=clock.today() + datetime.timedelta(days=30),
    )  # fmt: skip
    finding = services.finding_record(
        actor=prefecture, county=county, year=2025, dimension="work",
        description="抽查3户帮扶计划，1户措施与风险类型不对应", deduction=Decimal("1.5"),
    )  # fmt: skip
    return {
        "waiting": reports.filter(status=ReportStatus.TOWNSHIP_REVIEWED).first().pk,  # type: ignore[union-attr]
        "returned": reports.filter(status=ReportStatus.RETURNED).first().pk,  # type: ignore[union-attr]
        "period": period.pk,
        "value": value.pk,
        "assessment": graded.pk,
        "task": task.pk,
        "finding": finding.pk,
        "member": WorkTeamMember.objects.filter(village__code=VILLAGE).order_by("pk").first().pk,  # type: ignore[union-attr]
    }


def _assets(users: dict[str, User], funds: dict[str, int]) -> dict[str, int]:
    """西山村's register (P15): an accepted project of the village paid 80 万元 from the world's central line, three
    assets registered from it — a road 确权, 移交, found 闲置 and applied for scrapping (waiting for the township), a
    photovoltaic station with last year's income, livestock still to be 确权 — a distribution plan at 决议公开, the
    village's collective income, and an import batch of the register's own export (all rows already in it)."""
    import datetime

    from zhenxing.assets import collective, disposals, distribution, imports, upkeep
    from zhenxing.assets import services as assets
    from zhenxing.assets.inputs import (
        AssetInput,
        CareInput,
        DisposalInput,
        MeetingInput,
        OwnerInput,
        PayoutInput,
        PlanInput,
        PlanLineInput,
        PostingInput,
    )
    from zhenxing.assets.models import Asset
    from zhenxing.assets.workbook import register_workbook
    from zhenxing.common import clock
    from zhenxing.funds import services as fund_services
    from zhenxing.funds.models import AllocationLine
    from zhenxing.projects.services import project_import_row
    from zhenxing.registry.models import Membership

    from ..projects.builders import project_input

    today = clock.today()
    village, township, county = users["village"], users["township"], users["county"]
    project = project_import_row(
        actor=county, data=project_input(name="西山村委会光伏与道路配套工程"), level="village", status="accepted",
        decided_on=today - datetime.timedelta(days=200),
    )  # fmt: skip
    line = AllocationLine.objects.get(pk=funds["line"])
    split = fund_services.split_create(actor=users["finance"], line=line, project=project, amount="80")
    fund_services.payment_create(
        actor=users["finance"], split=split, amount="80", paid_on=today - datetime.timedelta(days=30),
        payee="南涧县鑫达建筑工程有限公司", voucher=f"记-{today.year}-0031",
    )  # fmt: skip
    road, station, cattle = assets.asset_register_from_project(
        actor=county, project=project,
        items=(
            AssetInput(name="大村组硬化道路", asset_type_code="road", quantity="2.5", division_code=VILLAGE,
                       natural_village="大村组", value="30"),
            AssetInput(name="西山村光伏电站", asset_type_code="photovoltaic", quantity="1", division_code=VILLAGE,
                       value="40"),
            AssetInput(name="到户能繁母牛", asset_type_code="livestock", quantity="2", division_code=VILLAGE, value="2"),
        ),
    )  # fmt: skip
    owned_on = today - datetime.timedelta(days=20)
    for asset in (road, station):
        asset = assets.asset_confirm(
            actor=county, asset=asset,
            owner=OwnerInput(kind="collective", name="西山村股份经济合作社", document="确权书〔2026〕5号", on=owned_on),
        )  # fmt: skip
        assets.asset_hand_over(
            actor=county, asset=asset, on=owned_on + datetime.timedelta(days=2), receiver="西山村股份经济合作社",
            care=CareInput(unit="西山村委会", person="李管护", phone="13800000001", rules="每月巡查一次"),
        )  # fmt: skip
    road = Asset.objects.get(pk=road.pk)
    upkeep.inspection_record(actor=village, asset=road, on=today - datetime.timedelta(days=3), outcome="idle",
                             notes="道路改线后少有车辆通行")  # fmt: skip
    disposal = disposals.disposal_apply(
        actor=village, asset=Asset.objects.get(pk=road.pk),
        data=DisposalInput(kind="scrap", reason="道路改线，原路段废弃", valuation="1.5", valuation_basis="评估报告〔2026〕2号"),
    )  # fmt: skip
    upkeep.asset_income_record(actor=village, asset=Asset.objects.get(pk=station.pk), year=today.year,
                               amount="86000", evidence="电费结算单〔2025〕")  # fmt: skip
    heads = list(
        Membership.objects.filter(household__village__code=VILLAGE, relation="户主", left_on__isnull=True)
        .order_by("household_id").values_list("person_id", flat=True)[:3]
    )  # fmt: skip
    meeting = MeetingInput(
        held_on=today - datetime.timedelta(days=2), attendees=9, expected=11, minutes="议定光伏收益分配"
    )
    plan = distribution.plan_create(
        actor=village,
        data=PlanInput(
            village_code=VILLAGE, year=today.year - 1, title="光伏电站收益分配方案", income="80000", meeting=meeting,
            lines=(
                PlanLineInput("labour", "参与村内道路养护", "",
                              tuple(PayoutInput(p, str(800 + 100 * i)) for i, p in enumerate(heads))),
                PlanLineInput("public_fund", "", "20000"),
            ),
        ),
    )  # fmt: skip
    for step in ("discussed", "reviewed", "resolved"):
        plan = distribution.plan_move(actor=village, plan=plan, to=step, meeting=meeting)
    plan = distribution.plan_move(actor=township, plan=plan, to="audited", opinion="同意")
    plan = distribution.plan_move(
        actor=village, plan=plan, to="published",
        posting=PostingInput(place="西山村务公开栏", posted_from=today, posted_until=today + datetime.timedelta(days=7)),
    )  # fmt: skip
    returned = distribution.plan_create(
        actor=village,
        data=PlanInput(
            village_code=VILLAGE, year=today.year - 1, title="光伏收益补充分配方案", income="6000", meeting=meeting,
            lines=(PlanLineInput("relief", "脱贫户和低收入户救助", "", (PayoutInput(heads[0], "1200"),)),),
        ),
    )  # fmt: skip
    for step in ("discussed", "reviewed", "resolved"):
        returned = distribution.plan_move(actor=village, plan=returned, to=step, meeting=meeting)
    returned = distribution.plan_move(
        actor=township, plan=returned, to="returned", opinion="救助对象名单请补充说明"
    )
    collective.collective_income_record(actor=township, village_code=VILLAGE, year=today.year - 1, amount="126000",
                                        evidence="村集体经济组织年度报表")  # fmt: skip
    content, _ = register_workbook(Asset.objects.filter(project=project), title="西山村资产台账")
    batch = imports.asset_import_stage(actor=county, file_name="西山村资产台账.xlsx", data=content)
    return {
        "project": project.pk, "road": road.pk, "station": station.pk, "cattle": cattle.pk, "disposal": disposal.pk,
        "plan": plan.pk, "returned": returned.pk, "import": batch.pk,
        "file": road.attachments.order_by("pk").values_list("pk", flat=True).first() or 0,
    }  # fmt: skip


def world_build() -> World:
    shipped_data_ensure()
    with tempfile.TemporaryDirectory() as folder:
        demo_users_ensure(credentials_file=Path(folder) / "demo_credentials.txt")
    demo_scenario_ensure()
    users = {role: User.objects.get(username=DEMO_USERNAMES.get(role, f"demo_{role}")) for role in ROLES}
    assert {u.username for u in users.values()} == {d.username for d in DEMO_USERS}
    imports = _imports(users["village"])
    tracking_code = _portal_application()
    village_cases = Case.objects.filter(village__code=VILLAGE).order_by("pk")
    cases: dict[str, Case] = {}
    for case in village_cases:
        cases.setdefault(str(case.status), case)
    # the application case shown is the portal's: it names who applied (issue 15)
    portal_case = Case.objects.filter(applications__tracking_code=tracking_code).first()
    if portal_case is not None:
        cases["application"] = portal_case
    leads: dict[str, Lead] = {}
    for lead in Lead.objects.filter(household__village__code=VILLAGE).order_by("pk"):
        key = str(lead.grade) if lead.status == "open" else str(lead.status)
        leads.setdefault(key, lead)
    monitored = Household.objects.get(code=household_code(FAMILIES["monitored"]))
    notice = Notice.objects.filter(village__code=VILLAGE, objections__isnull=False).order_by("pk").first()
    notice = notice or Notice.objects.filter(village__code=VILLAGE).order_by("pk").first()
    assert notice is not None
    feed_batch = FeedBatch.objects.filter(department=users["department"].department).order_by("pk").first()
    assert feed_batch is not None
    parameter = Parameter.objects.order_by("pk").first()
    assert parameter is not None
    funds = _funds(users)
    assets = _assets(users, funds)
    planning = _planning(users)
    aggregates_refresh(actor=None)  # the dashboards' kept counts over this world (issue 21)
    division_of = {
        "village": VILLAGE,
        "township": VILLAGE[:9],
        "county": VILLAGE[:6],
        "prefecture": VILLAGE[:6],
        "admin": VILLAGE[:6],
    }
    return World(
        users, monitored, cases, leads, notice, feed_batch, imports, parameter, division_of, tracking_code,
        ScreeningRun.objects.exclude(engine="civil_affairs").order_by("-pk").first(),
        Lead.objects.filter(
            household__village__code=VILLAGE, status="open", lowincome_differences__isnull=False
        ).order_by("pk").first(),
        funds,
        assets,
        planning,
    )  # fmt: skip
