"""The county's and the prefecture's pages of the library (P14): 州领导小组审定 of a county's list as one batch,
州级备案 of emergency projects, and a county's library summary for a year."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.accounts.capabilities import Capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.common.errors import PermissionDenied, not_found
from zhenxing.common.paging import paginate
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.projects import selectors, services
from zhenxing.projects.enums import ProjectStatus
from zhenxing.projects.forms import BatchForm
from zhenxing.projects.listing import SUMMARY_COLUMNS, library_summary, prefecture_summary
from zhenxing.projects.views.common import attempt, require

S = ProjectStatus
C = Capability
COUNTY_ROLES = (Role.COUNTY, Role.PREFECTURE)
BATCHES_PER_PAGE = 20


def _counties(user: User) -> list[Division]:
    """The counties the user may choose: the prefecture's, or the county user's own."""
    if user.jurisdiction is None:
        return []
    if user.role == Role.COUNTY:
        return [user.jurisdiction]
    return list(
        Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith=user.jurisdiction.code).order_by(
            "code"
        )
    )


def _chosen(user: User, code: str) -> Division | None:
    counties = _counties(user)
    if user.role == Role.COUNTY:
        return counties[0] if counties else None
    if not code:
        return None
    chosen = next((c for c in counties if c.code == code), None)
    if chosen is None:
        raise not_found()
    return chosen


def _require_county_role(request: HttpRequest) -> User:
    user = require(request, C.VIEW_PROJECTS)
    if user.role not in COUNTY_ROLES:
        raise PermissionDenied("州审定批次和项目库汇总由县(市)和州查看")
    return user


@login_required
def batches(request: HttpRequest) -> HttpResponse:
    """The prefecture chooses a county and decides its projects at 州审定 as one batch; county and prefecture
    see the past batches with their minutes, and the emergency projects waiting for 州级备案."""
    user = _require_county_role(request)
    county = _chosen(user, request.POST.get("county", "") or request.GET.get("county", ""))
    waiting = (
        selectors.project_list_for_user(user=user)
        .filter(county=county, status=S.PREFECTURE_DECISION)
        .select_related("category", "division")
        .order_by("code")
        if county is not None
        else selectors.project_list_for_user(user=user).none()
    )
    deciding = user.role == Role.PREFECTURE
    form = BatchForm(request.POST or None, project_ids=[p.pk for p in waiting])
    if request.method == "POST":
        if not deciding:
            raise PermissionDenied("州审定由州领导小组办理")
        if county is None:
            raise not_found()
        if form.is_valid():
            chosen = [p for p in waiting if p.pk in set(form.cleaned_data["projects"])]
            done = attempt(
                request,
                lambda: services.project_batch_decide(
                    actor=user, county=county, projects=chosen, opinion=form.cleaned_data["opinion"] or "",
                    minutes=request.FILES.getlist("minutes"),
                ),
                f"已审定{county.name}的 {len(chosen)} 个项目",
            )  # fmt: skip
            if done:
                return redirect(f"{request.path}?county={county.code}")
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
    past = selectors.batch_list_for_user(user=user).select_related("county", "decided_by")
    if county is not None:
        past = past.filter(county=county)
    filing = (
        selectors.project_list_for_user(user=user)
        .filter(services.awaiting_filing_q())
        .select_related("county")
        .order_by("code")
    )
    if county is not None:
        filing = filing.filter(county=county)
    paged = paginate(
        request,
        past.annotate(project_count=Count("projects"))
        .prefetch_related("attachments")
        .order_by("-decided_on", "-pk"),
        per_page=BATCHES_PER_PAGE,
    )
    return render(
        request,
        "projects/library/batches.html",
        {
            "county": county, "counties": _counties(user), "waiting": waiting, "deciding": deciding,
            "past": paged.items, "paged": paged, "filing": filing[:100],
        },
    )  # fmt: skip


@login_required
@require_POST
def file_emergency(request: HttpRequest, pk: int) -> HttpResponse:
    """州级备案 of an emergency project the county's leading group put into the library."""
    user = require(request, C.ACT_ON_PROJECT)
    project = selectors.project_get_for_user(user=user, pk=pk)
    attempt(
        request,
        lambda: services.project_file_emergency(
            actor=user, project=project, opinion=request.POST.get("opinion", "")
        ),
        "已州级备案",
    )
    return redirect("projects:detail", pk=pk)


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    """A county's library for a year: counts by status, planned money by fund source and by category group; for the
    prefecture before it picks a county, every county's row (prefecture_summary, one query)."""
    user = _require_county_role(request)
    today = clock.today()
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() and len(text) == 4 else today.year
    county = _chosen(user, request.GET.get("county", ""))
    counties = _counties(user)
    result = library_summary(user=user, county_id=county.pk, year=year) if county is not None else None
    # the prefecture without a county chosen: one row per county, each linking to its own summary
    overview = (
        prefecture_summary(user=user, county_ids=[c.pk for c in counties], year=year)
        if county is None and user.role == Role.PREFECTURE
        else None
    )
    return render(
        request,
        "projects/library/summary.html",
        {
            "county": county, "counties": counties, "year": year, "summary": result,
            "years": range(today.year + 1, 2020, -1),
            "overview": [(c, overview[c.pk]) for c in counties] if overview is not None else None,
            "columns": [label for _, label, _ in SUMMARY_COLUMNS],
        },
    )  # fmt: skip
