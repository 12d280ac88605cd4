from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhenxing.accounts.models import User
from zhenxing.audit.display import event_view
from zhenxing.audit.forms import AuditFilterForm
from zhenxing.audit.selectors import audit_event_list_for_user

PAGE_SIZE = 50


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = AuditFilterForm(request.GET or None)
    events = audit_event_list_for_user(user=user, filters=form.to_filter())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [event_view(event) for event in page]
    return render(
        request, "audit/list.html", {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    )
