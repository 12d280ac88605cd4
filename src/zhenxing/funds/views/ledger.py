"""The allocation documents' pages (P14): the list in the user's counties, a new document with its lines, a
document with each line's balance, and more lines for it. Each view: parse, fetch through a scoped selector,
call one service, render; a refused form comes back filled in with each problem beside its field (422)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.common.errors import InvalidInput
from zhenxing.common.paging import paginate
from zhenxing.funds import selectors, services
from zhenxing.funds.forms import ADD_LINE_ROWS, AllocationForm, Errors, LineRows
from zhenxing.funds.models import Allocation, AllocationLine
from zhenxing.funds.views.common import (
    LEVELS,
    SOURCES,
    C,
    is_finance,
    line_figures,
    own_county,
    require,
)


def _year(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) == 4 else None


@login_required
def allocation_list(request: HttpRequest) -> HttpResponse:
    user = require(request, C.VIEW_FUNDS)
    counties = selectors.counties_for_user(user)
    year = _year(request.GET.get("year", "").strip())
    county = request.GET.get("county", "").strip()
    in_scope = selectors.county_filter(user, field="lines__county") or Q(pk__in=[])
    documents = selectors.allocation_list_for_user(user=user)
    if year is not None:
        documents = documents.filter(budget_year=year)
    if county:
        documents = documents.filter(
            pk__in=AllocationLine.objects.filter(county__code=county).values("allocation")
        )
    # the total of the lines in the user's counties (a prefecture document also names other counties')
    documents = documents.annotate(scope_fen=Coalesce(Sum("lines__amount_fen", filter=in_scope), 0))
    paged = paginate(request, documents.order_by("-budget_year", "-issued_on", "doc_number"))
    names: dict[int, list[str]] = defaultdict(list)
    shown = [document.pk for document in paged.items]
    for pk, name in (
        selectors.line_list_for_user(user=user)
        .filter(allocation_id__in=shown)
        .order_by("county__code")
        .values_list("allocation_id", "county__name")
        .distinct()
    ):
        if name not in names[pk]:
            names[pk].append(name)
    # only the budget years of documents the user can see: a year offered must find something
    years = (
        selectors.allocation_list_for_user(user=user)
        .order_by("-budget_year")
        .values_list("budget_year", flat=True)
        .distinct()
    )
    return render(
        request,
        "funds/ledger/allocations.html",
        {
            "rows": [(document, names.get(document.pk, [])) for document in paged.items], "paged": paged,
            "counties": counties if counties.count() > 1 else [], "county": county, "year": year,
            "years": list(years), "can_enter": is_finance(user),
            "filtered": bool(year or county),
        },
    )  # fmt: skip


def _choices(user: User) -> dict[str, Any]:
    return {"county_choices": selectors.counties_for_user(user), "sources": SOURCES, "levels": LEVELS}


@login_required
def allocation_create(request: HttpRequest) -> HttpResponse:
    user = require(request, C.ENTER_FUNDS)
    if request.method != "POST":
        form = AllocationForm.blank(year=clock.today().year, county=own_county(user))
        return render(request, "funds/ledger/allocation_new.html", {**form.context(), **_choices(user)})
    form = AllocationForm.from_post(request.POST)
    try:
        document = services.allocation_create(actor=user, data=form.to_input())
    except InvalidInput as error:
        form.errors.add_details(error.errors())
        return render(
            request, "funds/ledger/allocation_new.html", {**form.context(), **_choices(user)}, status=422
        )
    messages.success(request, f"已录入资金下达文件：{document.doc_number}（{document.lines.count()} 条指标）")
    return redirect("funds:allocation_detail", pk=document.pk)


def _detail_page(
    request: HttpRequest, user: User, document: Allocation, *, lines_form: LineRows | None = None,
    errors: Errors | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    lines = selectors.line_list_for_user(user=user).filter(allocation=document).select_related("county")
    rows = [(line, line_figures(line)) for line in lines]
    errors = errors or Errors()
    lines_form = lines_form or LineRows.blank(ADD_LINE_ROWS, county=own_county(user))
    return render(
        request,
        "funds/ledger/allocation_detail.html",
        {
            "document": document, "rows": rows, "can_enter": is_finance(user),
            "total_fen": sum(line.amount_fen for line, _ in rows),
            "line_rows": lines_form.on_page(errors), "all_errors": errors.all(),
            "general_errors": errors.others(lines_form.shown_keys()), **_choices(user),
        },
        status=status,
    )  # fmt: skip


@login_required
def allocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request, C.VIEW_FUNDS)
    document = selectors.allocation_get_for_user(user=user, pk=pk)
    return _detail_page(request, user, document)


@login_required
@require_POST
def allocation_lines_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request, C.ENTER_FUNDS)
    document = selectors.allocation_get_for_user(user=user, pk=pk)
    rows = LineRows.from_post(request.POST, count=ADD_LINE_ROWS)
    try:
        created = services.allocation_lines_add(actor=user, allocation=document, lines=rows.inputs())
    except InvalidInput as error:
        errors = Errors()
        errors.add_details(error.errors())
        return _detail_page(request, user, document, lines_form=rows, errors=errors, status=422)
    messages.success(request, f"已增加 {len(created)} 条资金指标")
    return redirect("funds:allocation_detail", pk=document.pk)
