"""绩效评价 reports as .xlsx (P14): a county's (a summary sheet, then one sheet per indicator with the projects
behind it) and a project's (its targets and results, its money, its notices, its 联农带农). Written through
common/xlsx.py (no formula can be written, text that looks like one is quoted); each download read and audited
("fund.export") in one transaction, so that what was recorded is what left."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from xlsxwriter.format import Format

from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.xlsx import Sheet, Workbook
from zhenxing.funds.models import Payment, Release, Split
from zhenxing.funds.performance import (
    RESCALED_MARK,
    Evaluation,
    Indicator,
    Place,
    county_evaluation,
    evaluate_counties,
    places,
)
from zhenxing.policy.rules.projects import LINKAGE_MECHANISMS, fen_to_wan
from zhenxing.projects.enums import TargetKind
from zhenxing.projects.models import Project, ProjectNotice, ProjectTarget

if TYPE_CHECKING:
    from zhenxing.accounts.models import User
    from zhenxing.divisions.models import Division

SUMMARY_SHEET = "汇总"
SUMMARY_HEADER = ("指标", "权重", "得分率（%）", "加权得分", "分子", "分母", "计算口径")
WAN_FORMAT = "0.00####"


def _met(met: bool | None) -> str:
    return "—" if met is None else "达标" if met else "未达标"


def _number(indicator: Indicator, value: int) -> object:
    return fen_to_wan(value) if indicator.money else value


def county_workbook(evaluation: Evaluation) -> bytes:
    book = Workbook()
    head = book.add_format({"bold": True, "bg_color": "#FDE8E6", "text_wrap": True})
    summary = book.add_sheet(SUMMARY_SHEET)
    summary.cell(0, 0, f"{evaluation.county.name}{evaluation.budget_year}年度衔接资金绩效评价", book.bold)
    summary.row(1, 0, SUMMARY_HEADER, head)
    for column, width in enumerate((16, 8, 12, 10, 14, 14, 60)):
        summary.set_column(column, column, width)
    for row, i in enumerate(evaluation.indicators, start=2):
        unit = "（万元）" if i.money else f"（{i.unit}）"
        summary.row(row, 0, (
            i.label + unit, i.weight, i.value if i.value is not None else "不适用", i.score,
            _number(i, i.numerator), _number(i, i.denominator), i.rule,
        ))  # fmt: skip
    row = len(evaluation.indicators) + 3
    summary.row(row, 0, ("总分", evaluation.total if evaluation.total is not None else "不适用"), book.bold)
    summary.row(row + 1, 0, ("等级", evaluation.grade), book.bold)
    summary.row(row + 2, 0, ("评价结果", evaluation.factor))
    cited = evaluation.citation
    summary.row(
        row + 3, 0, ("权重依据", f"衔接资金绩效评价权重 第{cited['version']}版 {cited.get('document', '')}")
    )
    summary.row(row + 4, 0, ("生成日期", clock.today()))
    for indicator in evaluation.indicators:
        _indicator_sheet(book.add_sheet(indicator.label), indicator, head)
    return book.finish()


def _indicator_sheet(sheet: Sheet, indicator: Indicator, head: Format) -> None:
    numbers = (
        ("已支付（万元）", "分配（万元）")
        if indicator.money
        else (f"达标{indicator.unit}", f"应计{indicator.unit}")
    )
    sheet.row(0, 0, (indicator.label, indicator.rule))
    sheet.row(1, 0, ("项目编号", "项目名称", "是否达标", "说明", *numbers), head)
    for column, width in enumerate((18, 30, 10, 40, 14, 14)):
        sheet.set_column(column, column, width)
    for row, line in enumerate(indicator.lines, start=2):
        sheet.row(row, 0, (
            line.code, line.name, _met(line.met), line.why,
            _number(indicator, line.numerator), _number(indicator, line.denominator),
        ))  # fmt: skip
    last = len(indicator.lines) + 2
    sheet.row(last, 0, ("合计", "", "", "", _number(indicator, indicator.numerator),
                        _number(indicator, indicator.denominator)))  # fmt: skip


def county_report(*, actor: User, county: Division, budget_year: int) -> tuple[Evaluation, bytes]:
    """The county's evaluation read and its download audited in one transaction, then written."""
    with transaction.atomic():
        evaluation = county_evaluation(county, budget_year)
        audit.record(
            actor=actor, action="fund.export", target=county, division=county,
            new={"report": "绩效评价（县）", "budget_year": budget_year,
                 "total_score": str(evaluation.total) if evaluation.total is not None else None},
        )  # fmt: skip
    return evaluation, county_workbook(evaluation)


# --- the prefecture's ranking ---

RANKING_SHEET = "排名"
RANKING_HEADER = ("名次", "县(市)代码", "县(市)", "总分", "等级", "说明")


def ranking_workbook(ranking: list[Place], budget_year: int) -> bytes:
    """One row per county (ranked ones by place, then the unranked with "—"): total, grade, why it is unranked or
    rescaled, then each indicator's value and weighted score; the weights' parameter version cited below."""
    book = Workbook()
    head = book.add_format({"bold": True, "bg_color": "#FDE8E6", "text_wrap": True})
    sheet = book.add_sheet(RANKING_SHEET)
    sheet.cell(0, 0, f"{budget_year}年度衔接资金绩效评价 各县(市)得分排名", book.bold)
    indicators = ranking[0].evaluation.indicators if ranking else []
    columns = [*RANKING_HEADER]
    for i in indicators:
        columns += [f"{i.label}得分率（%）", f"{i.label}加权得分（权重{i.weight}）"]
    sheet.row(1, 0, columns, head)
    for column, width in enumerate((6, 10, 12, 8, 8, 36)):
        sheet.set_column(column, column, width)
    sheet.set_column(len(RANKING_HEADER), len(columns), 14)
    for row, place in enumerate(ranking, start=2):
        e = place.evaluation
        note = (
            (e.unscored_reason + "，不参与排名")
            if e.total is None
            else ("总分" + RESCALED_MARK if e.rescaled else "")
        )
        values: list[object] = [
            place.rank if place.rank is not None else "—", e.county.code, e.county.name,
            e.total if e.total is not None else "不适用", e.grade, note,
        ]  # fmt: skip
        for i in e.indicators:
            values += [i.value if i.value is not None else "不适用", i.score if i.score is not None else "—"]
        sheet.row(row, 0, values)
    row = len(ranking) + 3
    cited = ranking[0].evaluation.citation if ranking else {}
    sheet.row(
        row,
        0,
        ("权重依据", f"衔接资金绩效评价权重 第{cited.get('version', '')}版 {cited.get('document', '')}"),
    )
    sheet.row(row + 1, 0, ("评价结果", ranking[0].evaluation.factor if ranking else ""))
    sheet.row(row + 2, 0, ("说明", "某项指标无可计对象时为“不适用”，总分按其余指标的权重折算为百分制；"
                                   "总分“不适用”的县(市)不参与排名"))  # fmt: skip
    sheet.row(row + 3, 0, ("生成日期", clock.today()))
    return book.finish()


def ranking_report(*, actor: User, prefecture: Division, counties: list[Division], budget_year: int) -> bytes:
    """The prefecture's ranking read and its download audited in one transaction, then written."""
    with transaction.atomic():
        ranking = places(evaluate_counties(counties, budget_year))
        audit.record(
            actor=actor, action="fund.export", target=prefecture, division=prefecture,
            new={"report": "绩效评价（排名）", "budget_year": budget_year,
                 "version": ranking[0].evaluation.citation["version"] if ranking else None},
        )  # fmt: skip
    return ranking_workbook(ranking, budget_year)


# --- one project's report ---


def project_workbook(project: Project) -> bytes:
    """Its facts, targets and results, the money given to it and paid (every version of its code), the
    notices naming it and its 联农带农."""
    book = Workbook()
    head = book.add_format({"bold": True, "bg_color": "#FDE8E6"})
    wan = book.add_format({"num_format": WAN_FORMAT})
    facts = book.add_sheet("项目")
    facts.set_column(0, 0, 16)
    facts.set_column(1, 1, 40)
    people = (project.linked_tuopin_people or 0) + (project.linked_monitoring_people or 0)
    rows = (
        ("项目编号", project.code), ("项目名称", project.name), ("项目年度", project.year),
        ("县(市)", project.county.name), ("项目类别", str(project.category)), ("状态", project.get_status_display()),
        ("计划总投资（万元）", fen_to_wan(project.total_fen)), ("竣工日期", project.completed_on),
        ("联农带农机制", "、".join(LINKAGE_MECHANISMS.get(m, m) for m in project.linkage_mechanisms or []) or "—"),
        ("带动脱贫人口", project.linked_tuopin_people), ("带动监测对象", project.linked_monitoring_people),
        ("带动人数合计", people),
    )  # fmt: skip
    for row, (label, value) in enumerate(rows):
        facts.row(row, 0, (label, value))
    targets = book.add_sheet("绩效目标")
    targets.row(0, 0, ("指标类型", "指标", "目标值", "实际完成值", "是否完成", "说明", "填报日期"), head)
    targets.set_column(0, 6, 16)
    order = list(TargetKind.values)  # 产出, 效益, 满意度 as P14 lists them
    chosen = sorted(
        ProjectTarget.objects.filter(project=project).order_by("pk"), key=lambda t: order.index(t.kind)
    )
    for row, t in enumerate(chosen, start=1):
        verdict = "未填报" if t.achieved is None else "已完成" if t.achieved else "未完成"
        targets.row(row, 0, (t.get_kind_display(), t.indicator, t.target_value, t.result_value, verdict,
                             t.result_note, t.result_recorded_on))  # fmt: skip
    money = book.add_sheet("资金")
    money.row(0, 0, ("文号", "预算年度", "资金来源", "分配（万元）", "退回或收回（万元）", "状态"), head)
    money.set_column(0, 5, 18)
    splits = (
        Split.objects.filter(project__code=project.code).select_related("line__allocation").order_by("pk")
    )
    released = dict(
        Release.objects.filter(split__project__code=project.code).values_list("split_id", "amount_fen")
    )
    row = 1
    for split in splits:
        money.row(row, 0, (
            split.line.allocation.doc_number, split.line.allocation.budget_year, split.get_source_display(),
            fen_to_wan(split.amount_fen), fen_to_wan(released.get(split.pk, 0)), split.get_status_display(),
        ))  # fmt: skip
        row += 1
    row += 1
    money.row(row, 0, ("支付日期", "收款单位", "凭证号", "金额（万元）", "说明"), head)
    payments = Payment.objects.filter(split__project__code=project.code).order_by("paid_on", "pk")
    for payment in payments:
        row += 1
        money.row(row, 0, (payment.paid_on, payment.payee, payment.voucher, fen_to_wan(payment.amount_fen),
                           payment.reason))  # fmt: skip
        money.cell(row, 3, fen_to_wan(payment.amount_fen), wan)
    notices = book.add_sheet("公示")
    notices.row(0, 0, ("标题", "公示类型", "状态", "公示开始", "公示截止"), head)
    notices.set_column(0, 4, 18)
    posted = ProjectNotice.objects.filter(entries__project__code=project.code).distinct().order_by("pk")
    for row, n in enumerate(posted, start=1):
        notices.row(row, 0, (n.title, n.get_kind_display(), n.get_status_display(), n.posted_on, n.ends_on))
    if not posted:
        notices.cell(1, 0, "尚未公示")
    return book.finish()


def project_report(*, actor: User, project: Project) -> bytes:
    with transaction.atomic():
        content = project_workbook(project)
        audit.record(
            actor=actor, action="fund.export", target=project, division=project.county,
            new={"report": "绩效评价（项目）", "project": project.code},
        )  # fmt: skip
    return content
