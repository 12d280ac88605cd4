"""The county's list of ID-number conflicts (conflicts.py): pending first, each resolved with a note."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.accounts.requests import request_user
from zhenxing.common.errors import Conflict, PermissionDenied, not_found
from zhenxing.common.paging import paginate
from zhenxing.registry import conflicts, selectors
from zhenxing.registry.enums import IdConflictOutcome, IdConflictStatus
from zhenxing.registry.forms import IdConflictResolveForm


@login_required
def id_conflict_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not selectors.can_see_id_conflicts(user):
        raise not_found()
    status = request.GET.get("status", IdConflictStatus.PENDING)
    if status not in IdConflictStatus.values:
        status = IdConflictStatus.PENDING
    paged = paginate(request, selectors.id_conflict_list_for_user(user=user, status=status))
    return render(
        request,
        "registry/conflicts.html",
        {
            "conflicts": paged.items,
            "paged": paged,
            "status": status,
            "statuses": IdConflictStatus.choices,
            "can_resolve": selectors.can_resolve_id_conflicts(user),
            "form": IdConflictResolveForm(),
        },
    )


@login_required
@require_POST
def id_conflict_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    conflict = selectors.id_conflict_get_for_user(user=user, pk=pk)
    if not selectors.can_resolve_id_conflicts(user):
        raise PermissionDenied("只有县级可以处理证件号码冲突")
    form = IdConflictResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择处理结果并填写处理说明（至少4个字）")
        return redirect("registry:id_conflicts")
    try:
        conflicts.id_conflict_resolve(
            actor=user,
            conflict=conflict,
            outcome=IdConflictOutcome(form.cleaned_data["outcome"]),
            resolution=form.cleaned_data["resolution"],
        )
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"冲突 {conflict.pk} 已处理")
    return redirect("registry:id_conflicts")
