"""The villages' collective economy pages (P11, P15): /assets/collective/?year= — the villages in scope with their
村级集体经济收入, its project-asset part, the tier, last year's tier and the change; for a township an entry form of
its villages (POST /assets/collective/record/: every filled row through collective_income_record, all or none,
each row's problems next to it); /assets/collective/tiers/?year= — the tier table against the plan's 2020
figures, with its .xlsx. Thin: scope, read (collective_report) or call the service, render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import request_user, require_capability
from zhenxing.assets import collective_report as report
from zhenxing.assets import selectors
from zhenxing.assets.collective import collective_income_record
from zhenxing.common import clock
from zhenxing.common.errors import InvalidInput
from zhenxing.common.http import xlsx_response
from zhenxing.divisions.codes import covers, is_division_code
from zhenxing.divisions.models import Division
from zhenxing.policy.rules.assets import TIER_LABELS
from zhenxing.policy.selectors import ParameterMissing

ENTRY_MESSAGE = "村级集体经济收入由乡镇录入"


def _year(raw: str | None, user: User | None = None) -> int:
    """The year asked for (?year=); when absent, the latest year with figures in the user's scope (a year's income
    is entered after it ends: this year is mostly empty), else last year."""
    text = (raw or "").strip()
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    latest = None
    if user is not None:
        latest = selectors.collective_income_list_for_user(user=user).aggregate(latest=Max("year"))["latest"]
    return int(latest or clock.today().year - 1)


def _drilled(request: HttpRequest, rows: list[report.VillageRow]) -> tuple[list[report.VillageRow], str]:
    """A dashboard's tier bar (?place=&tier=): the villages under the place with the year's figure, of the tier;
    with neither, every row. Returns the rows shown and the filter as the page says it ('' for none)."""
    place, tier = request.GET.get("place", ""), request.GET.get("tier", "")
    place = place if is_division_code(place) else ""
    level = int(tier) if tier.isdigit() and int(tier) < len(TIER_LABELS) else None
    if not place and level is None:
        return rows, ""
    shown = [
        r
        for r in rows
        if r.this is not None
        and (not place or covers(place, r.village.code))
        and (level is None or r.this.tier == level)
    ]
    name = Division.objects.filter(code=place).values_list("name", flat=True).first() if place else ""
    said = " · ".join(part for part in (name or "", TIER_LABELS[level] if level is not None else "") if part)
    return shown, said


@dataclass
class EntryRow:
    """One village of the township's form: what is stored for the year, what was typed, and its problems."""

    row: report.VillageRow
    amount: str = ""
    evidence: str = ""
    tuopin: bool = True
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.row.village.code


class _Refused(Exception):
    """Raised inside the atomic block to roll every saved row back when one row is refused."""


def _yuan_text(fen: int) -> str:
    """Fen as the 元 the form takes back (two decimals, no float)."""
    return f"{fen // 100}.{fen % 100:02d}"


def _entry_rows(rows: list[report.VillageRow]) -> list[EntryRow]:
    entries = []
    for row in rows:
        stored = row.this
        entries.append(
            EntryRow(
                row=row,
                amount=_yuan_text(stored.amount_fen) if stored else "",
                evidence=stored.evidence if stored else "",
                tuopin=stored.has_tuopin_population if stored else True,
            )
        )
    return entries


def _page(
    request: HttpRequest, user: User, year: int, *, entries: list[EntryRow] | None = None,
    general: list[str] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    rows = report.village_rows(user=user, year=year)
    shown, drill = _drilled(request, rows)
    can_enter = has_capability(user, Capability.ENTER_COLLECTIVE_INCOME)
    context: dict[str, Any] = {
        "rows": shown, "drill": drill, "year": year, "years": list(range(clock.today().year, 2019, -1)), "can_enter": can_enter,
        "entries": entries if entries is not None else (_entry_rows(rows) if can_enter else []),
        "general_errors": general or [], "tier_labels": TIER_LABELS,
    }  # fmt: skip
    return render(request, "assets/collective/list.html", context, status=status)


@login_required
@require_GET
def collective(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    report.require_viewer(user)
    return _page(request, user, _year(request.GET.get("year"), user))


@login_required
@require_POST
def record(request: HttpRequest) -> HttpResponse:
    """Each filled row (an amount or evidence typed) saved through the service; one refused row keeps them all."""
    user = require_capability(request, Capability.ENTER_COLLECTIVE_INCOME, ENTRY_MESSAGE)
    year = _year(request.POST.get("year"))
    by_code = {row.village.code: row for row in report.village_rows(user=user, year=year)}
    entries = []
    for code in request.POST.getlist("village"):
        row = by_code.get(code)
        if row is None:  # not one of the township's villages: the service refuses it by name
            village = Division.objects.filter(code=code, level="village").first()
            if village is None:
                continue
            row = report.VillageRow(village, None, None)
        entries.append(
            EntryRow(
                row=row, amount=request.POST.get(f"amount-{code}", "").strip(),
                evidence=request.POST.get(f"evidence-{code}", "").strip(),
                tuopin=request.POST.get(f"tuopin-{code}") == "on",
            )
        )  # fmt: skip
    filled = [entry for entry in entries if entry.amount or entry.evidence]
    if not filled:
        return _page(
            request, user, year, entries=entries, general=["请至少填写一个村的收入和依据"], status=422
        )
    try:
        with transaction.atomic():
            for entry in filled:
                try:
                    with transaction.atomic():
                        collective_income_record(
                            actor=user, village_code=entry.code, year=year, amount=entry.amount,
                            evidence=entry.evidence, has_tuopin_population=entry.tuopin,
                            files=request.FILES.getlist(f"file-{entry.code}"),
                        )  # fmt: skip
                except InvalidInput as error:
                    for detail in error.errors():
                        key = str(detail.loc[0]) if detail.loc else "amount"
                        entry.errors[key] = detail.message
            if any(entry.errors for entry in filled):
                raise _Refused
    except _Refused:
        return _page(
            request, user, year, entries=entries, general=["有村的数据未通过校验，均未保存"], status=422
        )
    except ParameterMissing:
        general = [f"{year}年的村级集体经济收入分档参数未配置，请联系州级管理员"]
        return _page(request, user, year, entries=entries, general=general, status=409)
    messages.success(request, f"已保存{year}年{len(filled)}个村的村级集体经济收入")
    return redirect(f"{reverse('assets:collective')}?year={year}")


@login_required
@require_GET
def tiers(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    year = _year(request.GET.get("year"), user)
    table = report.tier_table(user=user, year=year)
    return render(
        request, "assets/collective/tiers.html",
        {"t": table, "year": year, "years": list(range(clock.today().year, 2019, -1)), "tier_labels": TIER_LABELS,
         # the plan's 2020 figures are the prefecture's 1,144 villages: compared only with the whole prefecture
         "prefecture_wide": user.role == Role.PREFECTURE},
    )  # fmt: skip


@login_required
@require_GET
def tiers_xlsx(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    year = _year(request.GET.get("year"), user)
    content = report.tier_table_export(actor=user, year=year)
    return xlsx_response(content, f"{year}年村级集体经济收入分档.xlsx")
