"""`synthetic_funds_generate`: the fund ledger (P14) of the synthetic project library's years, in one
transaction with one audit event, deterministic for a seed (synth/fund_drafts.py draws it from the rates in
synth/rates.py). `zhenxing generate` runs it right after the projects.

Documents, lines, splits and payments are written with bulk_create, as history (like synth/projects.py): they
stand for the years before the platform and keep every balance the services check (fund_drafts.py says how).
The projects that leave the library go through the project workflow (projects.services.project_move, with the
clock moved to the day they left), so that 出库 returns and 终止 recovers their unpaid splits through
funds/settlement.py with its own records and audit events, exactly as on the platform.

The documents are entered by an inactive prefecture 财政 user (合成数据（财政）) and the moves done by an
inactive county user of each county; neither can log in. A year that already has synthetic documents is
skipped: running it again adds nothing."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.divisions.codes import PREFECTURE_CODE
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.funds.enums import SplitStatus
from zhenxing.funds.models import Allocation, AllocationLine, Payment, Split
from zhenxing.projects import services as project_services
from zhenxing.projects.enums import LIBRARY_STATES
from zhenxing.projects.models import Project, ProjectFunding
from zhenxing.synth import rates
from zhenxing.synth.fund_drafts import CountyRef, FundDrafts, Ledger, ProjectRef

SYNTH_FINANCE = "synth_finance"
SYNTH_COUNTY = "synth_county_{code}"
BATCH_SIZE = 2_000


@dataclass(frozen=True)
class FundsResult:
    years: list[int]
    documents: int
    lines: int
    splits: int
    payments: int
    reversals: int
    withdrawn: int
    terminated: int
    late_counties: list[str]
    seconds: float


def _inactive_user(username: str, display_name: str, role: str, jurisdiction: Division) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username, display_name=display_name, role=role, is_active=False, jurisdiction=jurisdiction,
            password=make_password(None),
        )  # fmt: skip
    return user


def _counties() -> list[CountyRef]:
    return [
        CountyRef(pk, code, name, (short or name)[:2])
        for pk, code, name, short in Division.objects.filter(level=DivisionLevel.COUNTY)
        .order_by("code")
        .values_list("id", "code", "name", "short_name")
    ]


def _projects(years: list[int], counties: dict[int, CountyRef]) -> list[ProjectRef]:
    """The library projects of `years` (the version the library holds), with their planned fen by source."""
    rows = list(
        Project.objects.filter(year__in=years, status__in=LIBRARY_STATES)
        .order_by("code", "version")
        .values_list(
            "pk", "code", "county_id", "year", "status", "decided_on", "started_on", "implementing_unit"
        )
    )
    planned: dict[int, dict[str, int]] = {}
    for project_id, source, amount in ProjectFunding.objects.filter(
        project__year__in=years, project__status__in=LIBRARY_STATES, source__in=rates.FUND_SOURCES
    ).values_list("project_id", "source", "amount_fen"):
        planned.setdefault(project_id, {})[source] = planned.get(project_id, {}).get(source, 0) + amount
    versions: dict[str, int] = {}
    for code in Project.objects.filter(year__in=years).values_list("code", flat=True):
        versions[code] = versions.get(code, 0) + 1
    return [
        ProjectRef(
            pk,
            code,
            counties[county_id],
            year,
            status,
            decided,
            started,
            unit,
            planned.get(pk, {}),
            only_version=versions[code] == 1,
        )
        for pk, code, county_id, year, status, decided, started, unit in rows
    ]


def _write(ledger: Ledger, user: User, prefecture: Division, county_users: dict[str, User]) -> None:
    allocations = {}
    for doc in ledger.docs:
        allocations[id(doc)] = Allocation(
            doc_number=doc.doc_number, title=doc.title, issued_on=doc.issued_on, level=doc.level,
            budget_year=doc.budget_year, advance=doc.advance, created_by=user,
            entered_in_id=doc.county.pk if doc.county else prefecture.pk,
        )  # fmt: skip
    Allocation.objects.bulk_create(list(allocations.values()), batch_size=BATCH_SIZE)
    lines = {}
    for doc in ledger.docs:
        for line in doc.lines:
            lines[id(line)] = AllocationLine(
                allocation=allocations[id(doc)], county_id=line.county.pk, source=line.source,
                amount_fen=line.amount_fen, created_by=user,
            )  # fmt: skip
    AllocationLine.objects.bulk_create(list(lines.values()), batch_size=BATCH_SIZE)
    splits = {}
    for draft in ledger.splits:
        splits[id(draft)] = Split(
            line=lines[id(draft.line)], project_id=draft.project.pk, county_id=draft.project.county.pk,
            source=draft.line.source, budget_year=draft.doc.budget_year, amount_fen=draft.amount_fen,
            proposed_by=county_users[draft.project.county.code] if draft.proposed else user,
            status=SplitStatus.PROPOSED if draft.proposed else SplitStatus.ACTIVE,
            decided_by=None if draft.proposed else user, decided_on=None if draft.proposed else draft.decided_on,
        )  # fmt: skip
    Split.objects.bulk_create(list(splits.values()), batch_size=BATCH_SIZE)
    # payments before the reversals that point at them
    payments: dict[int, Payment] = {}
    for wave in (
        [p for p in ledger.payments if p.reverses is None],
        [p for p in ledger.payments if p.reverses],
    ):
        rows = []
        for entry in wave:
            row = Payment(
                split=splits[id(entry.split)], county_id=entry.split.project.county.pk, source=entry.split.line.source,
                budget_year=entry.split.doc.budget_year, amount_fen=entry.amount_fen,
                paid_on=entry.paid_on, payee=entry.payee, voucher=entry.voucher, reason=entry.reason,
                reverses=payments[id(entry.reverses)] if entry.reverses is not None else None, created_by=user,
            )  # fmt: skip
            payments[id(entry)] = row
            rows.append(row)
        Payment.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _county_users(counties: dict[int, CountyRef]) -> dict[str, User]:
    """Each county's inactive 乡村振兴局 user: it proposes the waiting splits and does the moves."""
    actors = {
        county.code: _inactive_user(
            SYNTH_COUNTY.format(code=county.code),
            "合成数据（县）",
            Role.COUNTY,
            Division.objects.get(pk=county.pk),
        )
        for county in counties.values()
    }
    for actor in actors.values():
        # the workflow asks for an active county user; these stay inactive in the database (nobody logs in
        # as them) and act only here, in this process
        actor.is_active = True
    return actors


def _leave(ledger: Ledger, actors: dict[str, User]) -> None:
    """出库 and 终止 through the project workflow, each on its day (its release and audit event with it)."""
    for leave in sorted(ledger.leaves, key=lambda item: (item.on, item.project.code)):
        project = Project.objects.get(pk=leave.project.pk)
        with clock.travel(leave.on):
            project_services.project_move(
                actor=actors[leave.project.county.code], project=project, to=leave.to, opinion=leave.reason
            )


def synthetic_funds_generate(
    *, seed: int, today: datetime.date | None = None, progress: Callable[[str], None] | None = None
) -> FundsResult:
    """The ledger of every project year (the last `rates.PROJECT_YEARS`, this one included) without synthetic
    documents yet, for the library projects of those years."""
    started = time.perf_counter()
    day = today or clock.today()
    years = list(range(day.year - rates.PROJECT_YEARS + 1, day.year + 1))
    with transaction.atomic():
        prefecture = Division.objects.get(code=PREFECTURE_CODE)
        user = _inactive_user(SYNTH_FINANCE, "合成数据（财政）", Role.FINANCE, prefecture)
        done = set(Allocation.objects.filter(created_by=user).values_list("budget_year", flat=True))
        years = [year for year in years if year not in done]
        if not years:  # every year has its ledger already: nothing to add
            return FundsResult([], 0, 0, 0, 0, 0, 0, 0, [], time.perf_counter() - started)
        counties = {county.pk: county for county in _counties()}
        drafts = FundDrafts(
            projects=_projects(years, counties), counties=list(counties.values()), years=years, seed=seed,
            today=day,
        )  # fmt: skip
        ledger = drafts.ledger()
        if progress:
            progress(f"已抽样 {len(ledger.docs)} 份资金文件、{len(ledger.splits):,} 笔分配，写入中 …")
        county_users = _county_users(counties)
        _write(ledger, user, prefecture, county_users)
        _leave(ledger, county_users)
        reversals = sum(1 for p in ledger.payments if p.reverses is not None)
        result = FundsResult(
            years=years, documents=len(ledger.docs), lines=sum(len(d.lines) for d in ledger.docs),
            splits=len(ledger.splits), payments=len(ledger.payments) - reversals, reversals=reversals,
            withdrawn=sum(1 for x in ledger.leaves if x.to == "withdrawn"),
            terminated=sum(1 for x in ledger.leaves if x.to == "terminated"),
            late_counties=ledger.late_counties, seconds=0.0,
        )  # fmt: skip
        audit.record(
            actor=None, action="synth.generate", target=("funds.allocation", "synthetic"),
            new={"seed": seed, "years": years, "documents": result.documents, "lines": result.lines,
                 "splits": result.splits, "payments": result.payments, "reversals": result.reversals,
                 "withdrawn": result.withdrawn, "terminated": result.terminated,
                 "late_counties": result.late_counties},
        )  # fmt: skip
    return FundsResult(**{**result.__dict__, "seconds": time.perf_counter() - started})
