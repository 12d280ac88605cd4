from __future__ import annotations

from django.http import HttpRequest

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.models import User
from zhenxing.common.errors import PermissionDenied


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a view behind @login_required (typed for the selectors and services)."""
    user = request.user
    assert isinstance(user, User)
    return user


def require_capability(request: HttpRequest, capability: Capability, message: str) -> User:
    """The signed-in user, if their role has the capability; a 403 with `message` otherwise."""
    user = request_user(request)
    if not has_capability(user, capability):
        raise PermissionDenied(message)
    return user
