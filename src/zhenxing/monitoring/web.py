"""What every monitoring page shares: the capability a view asks before it does anything, running a service
with its domain error shown as a message on the page the user returns to, and small form helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from zhenxing.accounts.capabilities import Capability
from zhenxing.accounts.enums import TERRITORIAL_ROLES
from zhenxing.accounts.models import User
from zhenxing.accounts.requests import require_capability
from zhenxing.common.http import attempt


def _require(request: HttpRequest, capability: Capability, message: str) -> Any:
    return require_capability(request, capability, message)


def require_view(request: HttpRequest) -> Any:
    return _require(request, Capability.VIEW_CASES, "您的角色不能查看识别案件")


def require_act(request: HttpRequest) -> Any:
    """A POST that does a step, records a visit or a meeting, or manages a notice or the housing ledger."""
    return _require(request, Capability.ACT_ON_CASE, "您的角色不能办理识别案件")


def require_measures(request: HttpRequest) -> Any:
    return _require(request, Capability.MANAGE_MEASURES, "您的角色不能办理帮扶措施")


def submit(
    request: HttpRequest, form: Any, action: Callable[[dict[str, Any]], object], success: str,
    *, invalid: str | None = None,
) -> bool:  # fmt: skip
    """A posted form: when valid, its service runs on the cleaned data (a domain error becomes a message, as
    in `attempt`); when not, its errors — or the one `invalid` sentence — become messages."""
    if not form.is_valid():
        if invalid:
            messages.error(request, invalid)
        else:
            form_error(request, form)
        return False
    return attempt(request, lambda: action(form.cleaned_data), success)


def form_error(request: HttpRequest, form: object) -> None:
    for errors in getattr(form, "errors", {}).values():
        for error in errors:
            messages.error(request, str(error))
    if not getattr(form, "errors", None):
        messages.error(request, "请检查填写的内容")


def user_named(username: str) -> User | None:
    """An active territorial cadre's account by its name (a 帮扶责任人, a measure's responsible person)."""
    if not username.strip():
        return None
    return User.objects.filter(
        username=username.strip(), is_active=True, role__in=sorted(TERRITORIAL_ROLES)
    ).first()


def date_field(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
