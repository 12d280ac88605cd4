from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import request_user
from zhenxing.audit.display import event_view
from zhenxing.audit.models import AuditEvent
from zhenxing.common.errors import Conflict, InvalidInput, PermissionDenied, not_found
from zhenxing.common.http import xlsx_response
from zhenxing.common.paging import paginate
from zhenxing.policy.contract import evaluate_with_parameters, response_body
from zhenxing.policy.explain import RULE_TITLES
from zhenxing.policy.rules.quality import CHECKS, PersonFacts, household_issues, person_issues
from zhenxing.registry import facts, selectors, services
from zhenxing.registry.export import export_workbook
from zhenxing.registry.forms import HouseholdYearForm, IdLookupForm, PersonForm, RevealForm, SearchForm
from zhenxing.registry.household_extras import household_records
from zhenxing.registry.models import Household, HouseholdYear, Person
from zhenxing.registry.quality import HOUSEHOLD_CHECKS, PERSON_CHECKS, households_with_issue, quality_counts


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _search_query(data: dict[str, Any]) -> selectors.HouseholdSearch:
    """The search form's fields as a query: the search page and the export read the form the same way."""
    return selectors.HouseholdSearch(
        name=data["name"], code=data["code"], village_code=data["village"], kind=data["kind"],
        relocated=_bool(data["relocated"]), dibao=_bool(data["dibao"]), disability=_bool(data["disability"]),
    )  # fmt: skip


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The user's households, paged; the form's filters narrow them (an empty search lists them all)."""
    user = request_user(request)
    form = SearchForm(request.GET or None)
    query = _search_query(form.cleaned_data) if form.is_valid() else selectors.HouseholdSearch()
    searched = (
        form.is_bound and form.is_valid() and any(v not in (None, "") for v in form.cleaned_data.values())
    )
    households = selectors.household_search_listing(user=user, query=query)
    paged = paginate(request, households.none() if form.is_bound and not form.is_valid() else households)
    return render(
        request,
        "registry/search.html",
        {
            "form": form,
            "id_form": IdLookupForm(),
            "results": paged.items,
            "paged": paged,
            "searched": searched,
            "pending_conflicts": selectors.id_conflict_list_for_user(user=user).count()
            if selectors.can_see_id_conflicts(user)
            else None,
        },
    )


@login_required
@require_POST
def lookup_by_id(request: HttpRequest) -> HttpResponse:
    """Exact lookup through the blind index; the number travels in the POST body only."""
    user = request_user(request)
    form = IdLookupForm(request.POST)
    if form.is_valid():
        found = selectors.household_search(
            user=user, query=selectors.HouseholdSearch(id_number=form.cleaned_data["id_number"]), limit=1
        )
        if found:
            return redirect("registry:household", pk=found[0].pk)
    messages.error(request, "没有找到该证件号码对应的农户（或不在您的管辖范围内）")
    return redirect("registry:search")


def _member_rows(household: Household, today: datetime.date) -> list[dict[str, Any]]:
    rows = []
    for membership in selectors.current_memberships(household):
        person = membership.person
        person_facts = PersonFacts(
            sex=person.sex, birth_date=person.birth_date, relation=membership.relation, education=person.education,
            schooling=person.schooling, health=person.health, labour=person.labour, work_place=person.work_place,
            work_months=person.work_months, phone="", resident_insurance=person.resident_medical_insurance,
            employee_insurance=person.employee_medical_insurance,
        )  # fmt: skip
        # the phone is encrypted: its P1 format check was decided on write and kept as a flag (phones.py)
        phone_issue = ["phone_format"] if person.phone_malformed else []
        rows.append(
            {
                "membership": membership,
                "person": person,
                "facts": person_facts,
                "issues": person_issues(person_facts, today=today) + phone_issue,
            }
        )
    return rows


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    household = selectors.household_get_for_user(user=user, pk=pk)
    today = timezone.localdate()
    rows = _member_rows(household, today)
    issues = [CHECKS[code][1] for code in household_issues([row["facts"] for row in rows])]
    for row in rows:
        issues += [f"{row['person'].name}：{CHECKS[code][1]}" for code in row["issues"]]
    years = list(selectors.household_years(household))
    verdict, verdict_error = None, None
    if years:
        try:
            evaluation = evaluate_with_parameters(
                facts.policy_household(household, years[0]), year=years[0].year
            )
            verdict = response_body(evaluation)
        except InvalidInput as error:
            verdict_error = error.message
    return render(
        request,
        "registry/household.html",
        {
            "household": household,
            "rows": rows,
            "years": years,
            "verdict": verdict,
            "verdict_year": years[0].year if years else None,
            "verdict_error": verdict_error,
            "rule_titles": RULE_TITLES,
            "issues": issues,
            "extras": household_records(household),
            "sensitive": selectors.can_view_sensitive(user),
            "can_edit": has_capability(user, Capability.EDIT_REGISTRY),
            "can_reveal": has_capability(user, Capability.REVEAL_ID_NUMBER),
            "reveal_form": RevealForm(),
            "this_year": today.year,
            # the button to enter this year's record shows only while the year has none (修改 is in its row)
            "this_year_entered": any(y.year == today.year for y in years),
        },
    )


@login_required
def household_history(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for_user(user=request_user(request), pk=pk)
    person_ids = [str(pid) for pid in household.memberships.values_list("person_id", flat=True)]
    events = AuditEvent.objects.filter(
        target_type="registry.household", target_id=str(household.pk)
    ) | AuditEvent.objects.filter(target_type="registry.person", target_id__in=person_ids)
    latest = list(events.order_by("-created_at", "-id")[:200])
    # rows: each event in words (audit.display, as the audit log shows it), for the template to show
    return render(
        request,
        "registry/history.html",
        {"household": household, "events": latest, "rows": [event_view(event) for event in latest]},
    )


@login_required
def household_year_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    user = request_user(request)
    household = selectors.household_get_for_user(user=user, pk=pk)
    if not has_capability(user, Capability.EDIT_REGISTRY):
        raise PermissionDenied("您的角色不能修改农户台账")
    if not 2000 <= year <= 2100:
        raise not_found()
    record = HouseholdYear.objects.filter(household=household, year=year).first()
    form = HouseholdYearForm(request.POST or None, initial=HouseholdYearForm.initial_from(record))
    if request.method == "POST" and form.is_valid():
        services.household_year_upsert(actor=user, household=household, year=year, values=form.values())
        messages.success(request, f"{year}年收支已保存")
        return redirect("registry:household", pk=household.pk)
    return render(request, "registry/year_edit.html", {"household": household, "year": year, "form": form})


@login_required
def person_edit(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    user = request_user(request)
    household = selectors.household_get_for_user(user=user, pk=pk)
    if not has_capability(user, Capability.EDIT_REGISTRY):
        raise PermissionDenied("您的角色不能修改农户台账")
    membership = (
        household.memberships.filter(person_id=person_pk, left_on__isnull=True)
        .select_related("person")
        .first()
    )
    if membership is None:
        raise not_found()
    form = PersonForm(request.POST or None, instance=Person.objects.get(pk=membership.person_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=user, person=membership.person, household=household, **form.changes()
            )
        except InvalidInput as error:
            for detail in error.details:
                field = {"id_number": "new_id_number", "phone": "new_phone"}.get(
                    str(detail.loc[0]) if detail.loc else ""
                )
                form.add_error(field, detail.message)
        except Conflict as error:
            form.add_error("new_id_number" if "证件" in error.message else None, error.message)
        else:
            messages.success(request, f"{membership.person.name} 的信息已保存")
            return redirect("registry:household", pk=household.pk)
    return render(
        request,
        "registry/person_edit.html",
        {"household": household, "person": membership.person, "form": form},
    )


def _revealed(
    request: HttpRequest, household: Household, person: Person | None, label: str, value: str
) -> HttpResponse:
    response = render(
        request,
        "registry/revealed.html",
        {"household": household, "person": person, "label": label, "number": value},
    )
    response["Cache-Control"] = "no-store"
    return response


def _reveal(
    request: HttpRequest, pk: int, person_pk: int | None, label: str,
    reveal: Callable[[User, Household, Person | None, str], str],
) -> HttpResponse:  # fmt: skip
    """The one shape of every reveal: a household in scope, its member if one is named, a typed reason, then
    the audited service; the full value is shown once, never cached."""
    user = request_user(request)
    household = selectors.household_get_for_user(user=user, pk=pk)
    person = None
    if person_pk is not None:
        membership = household.memberships.filter(person_id=person_pk).select_related("person").first()
        if membership is None:
            raise not_found()
        person = membership.person
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"请填写查看完整{label}的理由")
        return redirect("registry:household", pk=household.pk)
    value = reveal(user, household, person, form.cleaned_data["reason"])
    return _revealed(request, household, person, label, value)


def _named(person: Person | None) -> Person:
    if person is None:
        raise not_found()
    return person


@login_required
@require_POST
def person_reveal_phone(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    return _reveal(
        request, pk, person_pk, "联系电话",
        lambda user, household, person, reason: services.person_reveal_phone(
            actor=user, person=_named(person), household=household, reason=reason
        ),
    )  # fmt: skip


@login_required
@require_POST
def household_reveal_phone(request: HttpRequest, pk: int) -> HttpResponse:
    return _reveal(
        request, pk, None, "户联系电话",
        lambda user, household, _person, reason: services.household_reveal_contact_phone(
            actor=user, household=household, reason=reason
        ),
    )  # fmt: skip


@login_required
@require_POST
def person_reveal(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    return _reveal(
        request, pk, person_pk, "证件号码",
        lambda user, household, person, reason: services.person_reveal_id(
            actor=user, person=_named(person), household=household, reason=reason
        ),
    )  # fmt: skip


EXPORT_LIMIT = 20000


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The search result, every page of it, in the import layout; ID numbers and phones masked."""
    user = request_user(request)
    form = SearchForm(request.GET)
    if not form.is_valid():
        messages.error(request, "查询条件有误，未导出")
        return redirect("registry:search")
    households = selectors.household_search_queryset(user=user, query=_search_query(form.cleaned_data))
    chosen = list(households.select_related("village", "natural_village").order_by("pk")[:EXPORT_LIMIT])
    services.registry_export_record(
        actor=user,
        households=len(chosen),
        filters=sorted(k for k, v in form.cleaned_data.items() if v not in (None, "")),
    )
    content = export_workbook(chosen)
    return xlsx_response(content, "农户台账.xlsx")


@login_required
def quality_report(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    households = selectors.household_list_for_user(user=user)
    code = request.GET.get("division", "").strip()
    if code:
        households = households.filter(village__code__startswith=code)
    today = timezone.localdate()
    check = request.GET.get("check", "")
    listing = None
    if check:
        if check not in (*HOUSEHOLD_CHECKS, *PERSON_CHECKS):
            raise not_found()
        listing = list(
            households_with_issue(households, check, today=today)
            .select_related("village")
            .order_by("pk")[:200]
        )
    return render(
        request,
        "registry/quality.html",
        {
            "counts": quality_counts(households, today=today),
            "division": code,
            "check": check,
            "check_label": CHECKS.get(check, ("", ""))[1],
            "listing": listing,
        },
    )
