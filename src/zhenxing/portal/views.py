"""The public portal: no account, phone-sized. Apply, get a tracking code, follow the progress."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from zhenxing.common.errors import DomainError, InvalidInput
from zhenxing.common.request_context import client_ip_of
from zhenxing.divisions.codes import county_of, in_prefecture, township_of
from zhenxing.divisions.models import Division
from zhenxing.monitoring.decisions import step_deadlines
from zhenxing.policy.rules.procedure import application_settle_days
from zhenxing.portal import services
from zhenxing.portal.challenge import add_service_errors, challenge_new, human_checks_passed
from zhenxing.portal.forms import ApplicationForm, StatusForm
from zhenxing.portal.progress import Stage, case_progress


def _client_ip(request: HttpRequest) -> str:
    # the one client-address function (honours ZHENXING_TRUSTED_PROXIES, as the login lockout does):
    # behind a reverse proxy REMOTE_ADDR is the proxy, and the whole prefecture would share one limit
    return client_ip_of(request) or ""


def apply(request: HttpRequest) -> HttpResponse:
    question, token = challenge_new()
    form = ApplicationForm(initial={"token": token})
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            if human_checks_passed(form, data):
                village = Division.objects.filter(code=data["village"], level="village").first()
                if village is None or not in_prefecture(village.code):
                    form.add_error("village", "请选择县、乡镇和行政村")
                else:
                    try:
                        application = services.application_submit(
                            village=village, name=data["name"], id_number=data["id_number"], phone=data["phone"],
                            difficulties=data["difficulties"], description=data["description"],
                            on_behalf=data["on_behalf"], reporter_name=data["reporter_name"],
                            reporter_relation=data["reporter_relation"], photo=data["photo"],
                            ip_address=_client_ip(request),
                        )  # fmt: skip
                    except InvalidInput as error:
                        add_service_errors(form, error)
                    except DomainError as error:
                        form.add_error(None, error.message)
                    else:
                        request.session["portal_code"] = application.tracking_code
                        return redirect("portal:done")
        # a fresh question each time the form is shown again
        fresh = request.POST.copy()
        fresh["token"], fresh["answer"] = token, ""
        form.data = fresh
    counties = Division.objects.filter(level="county").order_by("code")
    return render(
        request, "portal/apply.html",
        {"form": form, "question": question, "counties": counties, "chosen": _chosen_place(form.data.get("village"))},
    )  # fmt: skip


def _chosen_place(code: object) -> dict[str, Any] | None:
    """The county, township and village an applicant had picked, so that a form shown again with an error
    keeps them (and their option lists) instead of asking for the place again."""
    if not (in_prefecture(code) and len(str(code)) == 12):
        return None
    village = str(code)
    county, township = county_of(village), township_of(village)
    return {
        "county": county, "township": township, "village": village,
        "townships": Division.objects.filter(parent__code=county).order_by("code").values_list("code", "name"),
        "villages": Division.objects.filter(parent__code=township).order_by("code").values_list("code", "name"),
    }  # fmt: skip


def done(request: HttpRequest) -> HttpResponse:
    code = request.session.get("portal_code")
    if not code:
        return redirect("portal:apply")
    limits, _ = step_deadlines()
    return render(request, "portal/done.html", {"code": code, "settle_days": application_settle_days(limits)})


@require_GET
def divisions(request: HttpRequest) -> JsonResponse:
    """Children of a Dali division for the county → township → village pickers (public reference data)."""
    parent = request.GET.get("parent", "")
    if not (in_prefecture(parent) and len(parent) in (6, 9)):
        return JsonResponse({"children": []})
    children = Division.objects.filter(parent__code=parent).order_by("code").values_list("code", "name")
    return JsonResponse({"children": [{"code": code, "name": name} for code, name in children]})


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """The lookup is a POST: the code and the ID tail stay out of addresses, logs and the browser history.
    A GET only fills in the code (the link on the done page)."""
    form = StatusForm(request.POST or None, initial={"code": request.GET.get("code", "")[:12]})
    found, sentence = None, ""
    stages: list[Stage] = []
    status_code = 200
    if request.method == "POST" and form.is_valid():
        try:
            found = services.application_find(
                tracking_code=form.cleaned_data["code"], id_last4=form.cleaned_data["tail"],
                ip_address=_client_ip(request),
            )  # fmt: skip
        except services.TooManyLookups as error:
            messages.error(request, error.message)
            status_code = error.http_status
        else:
            if found is None or found.case is None:
                messages.error(request, "没有找到：请核对查询码和身份证号后四位")
                found = None
            else:
                stages, sentence = case_progress(found.case, on_behalf=found.on_behalf)
    return render(
        request,
        "portal/status.html",
        {"form": form, "application": found, "stages": stages, "sentence": sentence},
        status=status_code,
    )
