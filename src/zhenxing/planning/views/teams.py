"""The work-team pages (P11): /planning/teams/ (the prefecture: its counties' counts; a county, township or
sector: its villages needing a team, shortfalls first, filter 只看缺配), a county's villages
(/planning/teams/county/<code>/), the shortfall list as .xlsx (audited), and a village's page
(/planning/teams/village/<code>/) with its flags, the team in post and past members, and the county's forms
(flags, add a member, end a member). Thin: parse with Django forms, read through planning/teams.py, write through
one service of planning/services.py, render; Chinese errors beside the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import require_capability
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, InvalidInput
from zhenxing.common.http import xlsx_response
from zhenxing.divisions.models import Division
from zhenxing.planning import services, teams
from zhenxing.planning.enums import TeamRole
from zhenxing.planning.models import VillageProfile

NO_VIEW = "您没有查看驻村工作队的权限"
NO_MANAGE = "只有县级可以维护驻村工作队"
DATE_ERRORS = {"required": "请填写日期", "invalid": "日期格式应为 2025-03-01"}


class FlagsForm(forms.Form):
    is_tuopin_village = forms.BooleanField(required=False, label="脱贫村")
    is_relocation_village = forms.BooleanField(required=False, label="易地扶贫搬迁安置村(社区)")
    is_haixi_key_village = forms.BooleanField(required=False, label="海西片区重点村（大理市）")
    weak_party_organisation = forms.BooleanField(required=False, label="党组织软弱涣散村")
    red_village_pilot = forms.BooleanField(required=False, label="红色村试点")
    border_defence = forms.BooleanField(required=False, label="强边固防村")


class MemberAddForm(forms.Form):
    name = forms.CharField(max_length=50, label="姓名", error_messages={"required": "请填写姓名"})
    role = forms.ChoiceField(
        choices=TeamRole.choices,
        label="职务",
        error_messages={"required": "请选择职务", "invalid_choice": "请选择第一书记或工作队队员"},
    )
    unit = forms.CharField(max_length=100, label="派出单位", error_messages={"required": "请填写派出单位"})
    starts_on = forms.DateField(label="驻村开始", error_messages=DATE_ERRORS)


class MemberEndForm(forms.Form):
    ends_on = forms.DateField(label="驻村结束", error_messages=DATE_ERRORS)
    reason = forms.CharField(
        max_length=200, label="结束原因", error_messages={"required": "请填写结束驻村的原因"}
    )


def _refused(form: forms.Form, error: InvalidInput) -> None:
    for detail in error.errors():
        field = detail.loc[-1] if detail.loc else None
        form.add_error(field if field in form.fields else None, detail.message)


def _short_only(request: HttpRequest) -> bool:
    return request.GET.get("short") == "1"


@login_required
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    if user.role == Role.PREFECTURE:
        rows, citation = teams.village_teams(on=clock.today(), prefix=teams.prefix_of(user))
        return render(
            request, "planning/teams_overview.html",
            {"counties": teams.county_counts(rows), "citation": citation, "today": clock.today()},
        )  # fmt: skip
    return _villages_page(request, user, teams.prefix_of(user), None)


@login_required
@require_GET
def team_county(request: HttpRequest, code: str) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    county = teams.county_get_for_user(user=user, code=code)
    return _villages_page(request, user, county.code, county)


def _villages_page(request: HttpRequest, user: User, prefix: str, county: Division | None) -> HttpResponse:
    rows, citation = teams.village_teams(on=clock.today(), prefix=prefix)
    short = [row for row in rows if row.short]
    shown = short if _short_only(request) else rows
    return render(
        request, "planning/teams_villages.html",
        {"rows": shown, "total": len(rows), "short_count": len(short), "short_only": _short_only(request),
         "county": county, "citation": citation, "today": clock.today(),
         "prefecture": user.role == Role.PREFECTURE, "code": county.code if county else ""},
    )  # fmt: skip


@login_required
@require_GET
def team_xlsx(request: HttpRequest) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    code = request.GET.get("county", "").strip()
    prefix = teams.county_get_for_user(user=user, code=code).code if code else teams.prefix_of(user)
    content, _ = teams.shortfall_export(actor=user, on=clock.today(), prefix=prefix)
    return xlsx_response(content, f"驻村工作队缺配清单_{clock.today():%Y%m%d}.xlsx")


def _village_page(
    request: HttpRequest, user: User, village: Division, *, refused: dict[str, forms.Form] | None = None,
    general: list[str] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    profile = VillageProfile.objects.filter(village=village).first()
    today = clock.today()
    flags_initial = {name: getattr(profile, name) for name in teams.FLAG_NAMES} if profile else {}
    members = teams.members_of(village=village)
    current = [m for m in members if m.starts_on <= today and (m.ends_on is None or m.ends_on >= today)]
    rows, citation = teams.village_teams(on=today, prefix=village.code)
    end_forms: dict[int, forms.Form] = {m.pk: MemberEndForm(initial={"ends_on": today}) for m in current}
    refused = refused or {}
    if "end" in refused:
        end_forms[int(refused["end"].data.get("member", 0) or 0)] = refused["end"]
    context: dict[str, Any] = {
        "village": village, "profile": profile, "row": rows[0] if rows else None, "citation": citation,
        "current": [(m, end_forms.get(m.pk)) for m in current],
        "past": [m for m in members if m not in current], "today": today,
        "flags_form": refused.get("flags") or FlagsForm(initial=flags_initial),
        "add_form": refused.get("add") or MemberAddForm(initial={"starts_on": today}),
        "can_manage": has_capability(user, Capability.MANAGE_WORK_TEAMS), "general": general or [],
        "open_form": next(iter(refused), ""),
    }  # fmt: skip
    return render(request, "planning/teams_village.html", context, status=status)


@login_required
@require_GET
def team_village(request: HttpRequest, code: str) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    return _village_page(request, user, teams.village_get_for_user(user=user, code=code))


def _writer(request: HttpRequest, code: str) -> tuple[User, Division]:
    """View in scope first (404 outside), then the county's capability (403)."""
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    village = teams.village_get_for_user(user=user, code=code)
    require_capability(request, Capability.MANAGE_WORK_TEAMS, NO_MANAGE)
    return user, village


def _write(
    request: HttpRequest, user: User, village: Division, name: str, form: forms.Form, act: Any, done: str
) -> HttpResponse:
    if not form.is_valid():
        return _village_page(request, user, village, refused={name: form}, status=422)
    try:
        act(form.cleaned_data)
    except InvalidInput as error:
        _refused(form, error)
        return _village_page(request, user, village, refused={name: form}, status=422)
    except Conflict as error:
        return _village_page(
            request, user, village, refused={name: form}, general=[error.message], status=409
        )
    messages.success(request, done)
    return redirect("planning:team_village", code=village.code)


@login_required
@require_POST
def team_village_flags(request: HttpRequest, code: str) -> HttpResponse:
    user, village = _writer(request, code)
    return _write(
        request, user, village, "flags", FlagsForm(request.POST),
        lambda data: services.village_profile_set(actor=user, village=village, flags=data), "已保存村分类标识",
    )  # fmt: skip


@login_required
@require_POST
def team_member_add(request: HttpRequest, code: str) -> HttpResponse:
    user, village = _writer(request, code)
    return _write(
        request, user, village, "add", MemberAddForm(request.POST),
        lambda data: services.work_team_member_add(actor=user, village=village, **data), "已登记驻村工作队队员",
    )  # fmt: skip


@login_required
@require_POST
def team_member_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_capability(request, Capability.VIEW_PLANNING, NO_VIEW)
    member = teams.member_get_for_user(user=user, pk=pk)
    require_capability(request, Capability.MANAGE_WORK_TEAMS, NO_MANAGE)
    data = request.POST.copy()
    data["member"] = str(member.pk)  # which row's form shows the errors
    form = MemberEndForm(data)
    return _write(
        request, user, member.village, "end", form,
        lambda data: services.work_team_member_end(actor=user, member=member, **data), f"{member.name}已结束驻村",
    )  # fmt: skip
