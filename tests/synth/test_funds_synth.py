"""P14 synthetic fund ledger (`zhenxing generate`, synth/funds.py): the documented rates, every balance the
services keep, 出库/终止 through the project workflow, the same ledger for the same seed, nothing added by a
second run — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Q, Sum

from tests.synth.test_projects_synth import _empty as _empty_library
from zhenxing.accounts.demo import demo_users_ensure
from zhenxing.audit.models import AuditEvent
from zhenxing.funds.enums import ReleaseKind, SplitStatus
from zhenxing.funds.models import Allocation, AllocationLine, Payment, Release, Split
from zhenxing.funds.progress import ledger_sums
from zhenxing.projects.enums import LIBRARY_STATES
from zhenxing.projects.models import Project, ProjectFunding
from zhenxing.synth import rates
from zhenxing.synth.demo_projects import demo_projects_ensure
from zhenxing.synth.fund_demo import demo_funds_ensure
from zhenxing.synth.funds import synthetic_funds_generate
from zhenxing.synth.projects import synthetic_projects_generate

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 2)
YEARS = {2022, 2023, 2024, 2025, 2026}


def _total(queryset, field: str = "amount_fen") -> int:  # type: ignore[no-untyped-def]
    return int(queryset.aggregate(t=Sum(field))["t"] or 0)


def _by(queryset, *keys: str) -> dict[tuple, int]:  # type: ignore[no-untyped-def]
    return {
        tuple(r[k] for k in keys): int(r["t"])
        for r in queryset.values(*keys).annotate(t=Sum("amount_fen")).order_by()
    }


def _library(seed: int, per_year: int = 150) -> None:
    synthetic_projects_generate(seed=seed, per_year=per_year)


def _facts() -> list[tuple]:
    """What a run made, without ids and creation times."""
    return (
        list(Allocation.objects.order_by("doc_number").values_list(
            "doc_number", "issued_on", "level", "budget_year", "advance", "entered_in__code"))
        + list(AllocationLine.objects.order_by("allocation__doc_number", "county__code", "source").values_list(
            "allocation__doc_number", "county__code", "source", "amount_fen"))
        + sorted(Split.objects.values_list("line__allocation__doc_number", "project__code", "source", "amount_fen",
                                           "status", "decided_on"))
        + sorted(Payment.objects.values_list("split__project__code", "amount_fen", "paid_on", "voucher", "reason"))
        + sorted(Release.objects.values_list("split__project__code", "kind", "amount_fen", "released_on"))
    )  # fmt: skip


def test_p14_synthetic_funds_follow_the_documented_rates(shipped_data, clock_at) -> None:  # type: ignore[no-untyped-def]
    # given five years of synthetic projects
    clock_at(TODAY)
    _library(seed=21)
    # when the fund ledger is generated
    result = synthetic_funds_generate(seed=21)
    # then each year has its documents: the central one in two (提前下达 the November before), a province and a
    # prefecture document listing several counties in one, a county document per county
    assert set(result.years) == YEARS
    assert set(Allocation.objects.values_list("budget_year", flat=True)) == YEARS
    advance = Allocation.objects.filter(advance=True)
    assert advance.count() == 5 and all(a.issued_on.year == a.budget_year - 1 for a in advance)
    for doc in Allocation.objects.filter(level__in=("central", "province")):
        assert doc.lines.values("county").distinct().count() > 1
    assert Allocation.objects.filter(level="county").values("entered_in").distinct().count() > 1
    assert set(AllocationLine.objects.values_list("source", flat=True)) <= set(rates.FUND_SOURCES)
    # a county's lines of a source add up to what the year's library projects plan from it × the margin, in whole
    # 万元 (the projects that left the library afterwards counted: they were in it when the money came)
    for year in (2023, 2025):
        held = Project.objects.filter(year=year).filter(
            Q(status__in=(*LIBRARY_STATES, "terminated")) | Q(status="withdrawn", fund_splits__isnull=False)
        )
        for (county_id, source), line in _by(
            AllocationLine.objects.filter(allocation__budget_year=year), "county_id", "source"
        ).items():
            plan = _total(
                ProjectFunding.objects.filter(
                    project__in=held.distinct(), project__county_id=county_id, source=source
                )
            )
            assert line % 1_000_000 == 0 and plan <= line <= plan * rates.FUND_LINE_MARGIN[1] + 1_000_000
    # about FUND_SPLIT_SHARE of the (project, source) pairs of a past year are split, each for its planned amount
    pairs = ProjectFunding.objects.filter(
        project__year__lt=2026,
        project__status__in=(*LIBRARY_STATES, "terminated"),
        source__in=rates.FUND_SOURCES,
    ).values_list("project_id", "source", "amount_fen")
    given = _by(Split.objects.filter(project__year__lt=2026), "project_id", "source")
    split_share = sum(1 for p, src, _ in pairs if (p, src) in given) / len(pairs)
    assert abs(split_share - rates.FUND_SPLIT_SHARE) < 0.04
    assert all(given[(p, src)] == amount for p, src, amount in pairs if (p, src) in given)
    # the paid share follows the schedule: old years almost fully paid, late counties below the others this year
    sums = ledger_sums(by=("budget_year",))
    old = sums[(2023,)]
    assert old.paid_fen > 0.8 * old.split_fen
    late = set(result.late_counties)
    assert len(late) == rates.FUND_LATE_COUNTIES
    this_year = ledger_sums(budget_year=2026, by=("county",))
    codes = dict(Project.objects.values_list("county_id", "county__code").distinct())
    late_share = [
        s.paid_fen / s.split_fen for (c,), s in this_year.items() if codes.get(c) in late and s.split_fen
    ]
    other_share = [
        s.paid_fen / s.split_fen for (c,), s in this_year.items() if codes.get(c) not in late and s.split_fen
    ]
    assert sum(late_share) / len(late_share) < sum(other_share) / len(other_share)
    # reversals, proposals waiting, and projects leaving through the workflow
    assert result.reversals > 0 and Payment.objects.filter(amount_fen__lt=0).count() == result.reversals
    proposals = Split.objects.filter(status=SplitStatus.PROPOSED)
    assert proposals.exists() and set(proposals.values_list("proposed_by__role", flat=True)) == {"county"}
    assert not proposals.filter(payments__isnull=False).exists()
    assert (
        Project.objects.filter(status="withdrawn", fund_splits__isnull=False).distinct().count()
        == result.withdrawn
    )
    assert Project.objects.filter(status="terminated").count() == result.terminated
    assert result.withdrawn + result.terminated > 0
    assert AuditEvent.objects.filter(action="synth.generate", target_type="funds.allocation").count() == 1
    assert AuditEvent.objects.filter(action__in=("project.withdraw", "project.terminate")).count() == (
        result.withdrawn + result.terminated
    )
    assert AuditEvent.objects.filter(action="fund.release").count() == Release.objects.count()


def test_p14_synthetic_funds_keep_every_balance_the_services_keep(shipped_data, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(TODAY)
    _library(seed=22)
    synthetic_funds_generate(seed=22)
    # splits within the line, and within the project's plan for the source
    for line in AllocationLine.objects.all():
        held = _total(line.splits.filter(status__in=(SplitStatus.ACTIVE, SplitStatus.PROPOSED)))
        released = _total(Release.objects.filter(split__line=line))
        assert held - released <= line.amount_fen
    planned = {
        (p, s): a for p, s, a in ProjectFunding.objects.values_list("project_id", "source", "amount_fen")
    }
    given = Split.objects.values_list("project_id", "source").annotate(t=Sum("amount_fen"))
    assert all(total <= planned.get((p, s), 0) for p, s, total in given)
    # splits only to library projects (or ones that left it afterwards), of their own county, after the document
    for split in Split.objects.select_related("project", "line__allocation"):
        assert split.project.status in (*LIBRARY_STATES, "withdrawn", "terminated")
        assert split.project.county_id == split.county_id == split.line.county_id
        assert split.decided_on is None or split.decided_on >= split.line.allocation.issued_on
    # payments within the split, never before its document, nor after today; only on splits in force
    for split in Split.objects.all():
        paid = _total(split.payments.all())
        assert 0 <= paid + _total(Release.objects.filter(split=split)) <= split.amount_fen
        if split.status != SplitStatus.ACTIVE:
            assert not split.payments.exists()
    for payment in Payment.objects.select_related("split__line__allocation"):
        assert payment.split.line.allocation.issued_on <= payment.paid_on <= TODAY
    # a reversal takes back at most its payment, on or after it, with a reason
    for original in Payment.objects.filter(amount_fen__gt=0, reversals__isnull=False).distinct():
        back = -_total(original.reversals.all())
        assert 0 < back <= original.amount_fen
        assert all(r.paid_on >= original.paid_on and r.reason for r in original.reversals.all())
    # 出库: nothing paid, everything returned; 终止: partly paid, the rest recovered, nothing paid after it left
    for project in Project.objects.filter(
        status__in=("withdrawn", "terminated"), fund_splits__isnull=False
    ).distinct():
        left_on = project.steps.filter(outcome=project.status).get().done_at.date()
        payments = Payment.objects.filter(split__project=project)
        kinds = set(Release.objects.filter(split__project=project).values_list("kind", flat=True))
        if project.status == "withdrawn":
            assert not payments.exists() and kinds == {ReleaseKind.RETURNED}
        else:
            assert _total(payments) > 0 and kinds <= {ReleaseKind.RECOVERED}
            assert not payments.filter(paid_on__gt=left_on).exists()
        assert _total(Split.objects.filter(project=project)) == _total(payments) + _total(
            Release.objects.filter(split__project=project)
        )


def test_p14_synthetic_funds_are_the_same_for_a_seed_and_not_added_twice(shipped_data, clock_at) -> None:  # type: ignore[no-untyped-def]
    clock_at(TODAY)
    _library(seed=23, per_year=60)
    first = synthetic_funds_generate(seed=23)
    facts = _facts()
    # running again adds nothing
    again = synthetic_funds_generate(seed=23)
    assert again.years == [] and _facts() == facts
    assert AuditEvent.objects.filter(action="synth.generate", target_type="funds.allocation").count() == 1
    # the same seed on the same library gives the same ledger; another seed another one
    assert first.payments + first.reversals == Payment.objects.count()
    _empty()
    _library(seed=23, per_year=60)
    synthetic_funds_generate(seed=23)
    assert _facts() == facts
    _empty()
    _library(seed=23, per_year=60)
    synthetic_funds_generate(seed=24)
    assert _facts() != facts


def _empty() -> None:
    Payment.objects.filter(reverses__isnull=False).delete()
    for model in (Payment, Release, Split, AllocationLine, Allocation):
        model.objects.all().delete()
    _empty_library()


def test_p14_the_demo_ledger_is_entered_through_the_services_once(shipped_data, clock_at, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # given the demo users and the demo's project library in 南涧
    clock_at(TODAY)
    demo_users_ensure(credentials_file=tmp_path / "demo_credentials.txt")
    assert demo_projects_ensure() is not None
    # when the demo's fund ledger is made
    result = demo_funds_ensure()
    # then 南涧 has documents entered by both finance bureaus (one listing three counties), splits, payments and a
    # reversal paid again, a proposal waiting, each with its audit event
    assert result is not None and result.documents == 3
    central = Allocation.objects.get(doc_number="云财农〔2026〕88号")
    assert central.lines.count() == 3 and central.created_by.username == "demo_prefecture_finance"
    assert Split.objects.filter(county__code="532926", status=SplitStatus.PROPOSED).count() == 1
    reversal = Payment.objects.get(amount_fen__lt=0)
    assert reversal.reason and reversal.reverses is not None
    assert (
        AuditEvent.objects.filter(action="fund.pay").count()
        == Payment.objects.filter(amount_fen__gt=0).count()
    )
    assert AuditEvent.objects.filter(action="fund.reverse").count() == 1
    assert AuditEvent.objects.filter(action="fund.allocation_create").count() == 3
    nanjian = ledger_sums(counties=[central.lines.get(county__code="532926").county_id], budget_year=2026)
    (sums,) = nanjian.values()
    assert sums.allocated_fen == (1300 + 128 + 40) * 1_000_000
    assert (
        0 < sums.paid_fen < sums.allocated_fen / 2
    )  # behind the schedule: the warnings have something to say
    # and again: nothing more
    audit_rows = AuditEvent.objects.count()
    assert demo_funds_ensure() is None and AuditEvent.objects.count() == audit_rows
