from __future__ import annotations

from django.http import HttpRequest

from zhenxing.accounts.models import User


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a view behind @login_required (typed for the selectors and services)."""
    user = request.user
    assert isinstance(user, User)
    return user
