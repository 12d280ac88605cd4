"""Which pages the smoke run opens, as whom: every GET page route of the site (django.urls), either in PAGES with
the roles that open it and the URLs to open, or in EXEMPT with the reason it is not a page to look at.

A route added later that is in neither fails test_every_route_is_visited_or_exempt, so a new page cannot ship
unseen. Who may open a page follows the capability table (accounts/capabilities.py), so a grant changed there
changes who visits it here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from zhenxing.accounts.capabilities import ROLE_CAPABILITIES, Capability
from zhenxing.common import clock

from .smoke_world import World

C = Capability
PUBLIC = "public"  # not logged in
ROLE_NAMES = {
    "village": "village",
    "township": "township",
    "county": "county",
    "prefecture": "prefecture",
    "department": "department",
    "county_sector": "county_sector",
    "admin": "admin",
    "finance": "finance",  # 南涧's finance bureau
    "prefecture_finance": "finance",  # the prefecture's
}
TERRITORIAL = ("village", "township", "county", "prefecture")
FUND_COUNTY = "532926"  # 南涧, the county of the world's fund ledger and of demo_finance

# (label, path): the label tells apart two visits of one route (a case at two steps)
Visit = tuple[str, str]
Urls = Callable[[World, str], list[Visit]]


@dataclass(frozen=True)
class Page:
    urls: Urls
    capability: Capability | None = None  # None: every logged-in role
    roles: tuple[str, ...] | None = None  # instead of a capability: exactly these roles


def _one(path: str) -> Urls:
    return lambda world, role: [("", path)]


def _village_first(
    village_only: Callable[[World], list[Visit]], others: Callable[[World], list[Visit]]
) -> Urls:
    """The village cadre sees every variant (the phone user); the other roles one representative each."""
    return lambda world, role: village_only(world) if role == "village" else others(world)


def _case(world: World, status: str) -> Visit:
    return (status, f"/cases/{world.cases[status].pk}/")


VILLAGE_CASE_STEPS = (
    "application", "analysis", "investigation", "review", "confirmed", "elim_meeting", "eliminated", "rejected",
)  # fmt: skip
CASE_FOR_ROLE = {"township": "township_review", "county": "county_decision", "prefecture": "confirmed"}


def _cases(world: World, role: str) -> list[Visit]:
    if role == "village":
        return [_case(world, status) for status in VILLAGE_CASE_STEPS if status in world.cases]
    return [_case(world, CASE_FOR_ROLE[role])]


def _leads(world: World, role: str) -> list[Visit]:
    keys = ("红", "橙", "黄", "dismissed") if role == "village" else ("红",)
    return [(key, f"/leads/{world.leads[key].pk}/") for key in keys if key in world.leads]


def _person(world: World) -> int:
    return int(world.household.memberships.order_by("pk").values_list("person_id", flat=True)[0])


def _project(world: World, role: str, *, adjustable: bool = False) -> list[Visit]:
    """A project the role sees (P14), from whatever the demo holds; none when the library is empty."""
    from zhenxing.projects.enums import ADJUSTABLE_STATES
    from zhenxing.projects.selectors import project_list_for_user

    projects = project_list_for_user(user=world.users[role])
    if adjustable:  # one this role may adjust now (the page refuses the others, as the detail page's link)
        from zhenxing.projects.services import adjust_refusal

        user = world.users[role]
        candidates = projects.filter(status__in=ADJUSTABLE_STATES).order_by("pk")[:200]
        project = next((p for p in candidates if adjust_refusal(user, p) is None), None)
    else:
        project = projects.order_by("pk").first()
    if project is None:
        return []
    return [("", f"/projects/{project.pk}/adjust/" if adjustable else f"/projects/{project.pk}/")]


def _revisable(world: World, role: str) -> list[Visit]:
    """A returned project (退回修改) the role proposed, from the demo; none when it holds none."""
    from zhenxing.projects import services
    from zhenxing.projects.selectors import project_list_for_user

    user = world.users[role]
    returned = project_list_for_user(user=user).filter(status="returned").order_by("pk")
    project = next((p for p in returned if services.may_revise(user, p)), None)
    return [("", f"/projects/{project.pk}/revise/")] if project is not None else []


def _library_import(world: World, role: str) -> list[Visit]:
    """The county's import of an old library workbook that has a row in error and a row not imported (P14), as
    the preview shows it; made here once, as the upload would stage it."""
    from zhenxing.projects.models import LibraryImport

    user = world.users[role]
    batch = LibraryImport.objects.filter(created_by=user).order_by("pk").first()
    if batch is None:
        batch = LibraryImport.objects.create(
            created_by=user, county=user.jurisdiction, file_name="南涧县2024年度项目库.xlsx", file_sha256="0" * 64,
            status="invalid", rows=3,
            errors=[{"row": 4, "column": "计划总投资（万元）", "message": "计划总投资不能为负数"},
                    {"row": 4, "column": "绩效目标（满意度指标）", "message": "绩效目标须至少有一项满意度指标（含目标值）"}],
            warnings=[{"row": 5, "column": "状态", "message": "状态为“乡审核”，不是在库状态，未导入（审批中的项目请在系统中申报）"}],
            summary={"to_add": 1, "unchanged_rows": 0, "skipped": 1, "error_count": 2, "warning_count": 1},
        )  # fmt: skip
    return [("", f"/projects/import/{batch.pk}/")]


def _project_notice(world: World, role: str, page: str = "") -> list[Visit]:
    """A project announcement the role sees (P14), from whatever the demo holds; none when there is none."""
    from zhenxing.projects.selectors import notice_list_for_user

    notice = notice_list_for_user(user=world.users[role]).order_by("-posted_on", "pk").first()
    return [("", f"/projects/notices/{notice.pk}/{page}")] if notice is not None else []


def _public_notice(world: World, role: str) -> list[Visit]:
    """A posted announcement on the village's public page (no login), when the demo holds one."""
    from zhenxing.projects.selectors import public_notices_of_village

    village = world.division_of["village"]
    notice = public_notices_of_village(village).order_by("pk").first()
    return [("", f"/v/{village}/notices/{notice.pk}/")] if notice is not None else []


def _fund(key: str, path: str) -> Urls:
    """A page of the world's fund ledger (南涧, P14): every role that reads the ledger sees it."""
    return lambda world, role: [("", path.format(world.funds[key]))]


def _split_pages(world: World, role: str) -> list[Visit]:
    """The paid split (its payments, the reversal, the payment and reversal forms) and the county's proposal
    (the confirm and refuse forms for the finance bureau)."""
    return [
        ("paid", f"/funds/splits/{world.funds['split']}/"),
        ("proposed", f"/funds/splits/{world.funds['proposed']}/"),
    ]


def _asset(key: str, path: str) -> Urls:
    """A page of the world's asset register (西山村, P15) about one object every reader of it may open."""
    return lambda world, role: [("", path.format(world.assets[key]))]


def _asset_pages(world: World, role: str) -> list[Visit]:
    """The road (its disposal under way, 闲置), the photovoltaic station (its income) and the livestock (to be
    确权); a county sector department supervises only its own sector's (the demo's: 交通运输, the road)."""
    keys = ("road",) if role == "county_sector" else ("road", "station", "cattle")
    return [(key, f"/assets/{world.assets[key]}/") for key in keys]


def _plan_pages(world: World, role: str) -> list[Visit]:
    return [(key, f"/assets/plans/{world.assets[key]}/") for key in ("plan", "returned")]


def _figure_tables(world: World, role: str) -> list[Visit]:
    """Every dashboard figure's table view; the county-kept ones (money, indicators, assessment) for a county and
    the prefecture only (a township has none)."""
    keys = ["monitoring", "leads", "throughput", "assistance", "assets", "collective"]
    if role in ("county", "prefecture"):
        keys += ["funds", "indicators", "assessment"]
    return [(key, f"/dashboards/figures/{key}/") for key in keys]


def _planning(key: str, path: str) -> Urls:
    """A page of 南涧's planning records (P12, P16, P11) every reader of them may open."""
    return lambda world, role: [("", path.format(world.planning[key]))]


def _report_pages(world: World, role: str) -> list[Visit]:
    return [(key, f"/planning/reports/{world.planning[key]}/") for key in ("waiting", "returned")]


PLANNING_READERS = ("township", "county", "county_sector", "prefecture")

PAGES: dict[str, Page] = {
    "home": Page(_one("/")),
    "accounts:login": Page(_one("/accounts/login/"), roles=(PUBLIC,)),
    "divisions:browse": Page(_one("/divisions/"), C.BROWSE_DIVISIONS),
    "divisions:detail": Page(
        lambda world, role: [("", f"/divisions/{world.division_of[role]}/")], C.BROWSE_DIVISIONS
    ),
    "audit:list": Page(_one("/audit/"), C.VIEW_AUDIT),
    "policy:evaluate": Page(_one("/policy/evaluate/"), C.EVALUATE_POLICY),
    "policy:parameters": Page(_one("/policy/parameters/"), C.EVALUATE_POLICY),
    "policy:parameter_create": Page(_one("/policy/parameters/new/"), C.MANAGE_PARAMETERS),
    "policy:parameter_detail": Page(
        lambda world, role: [("", f"/policy/parameters/{world.parameter.pk}/")], C.EVALUATE_POLICY
    ),
    "registry:search": Page(_one("/households/"), C.VIEW_REGISTRY),
    "registry:quality": Page(_one("/households/quality/"), C.VIEW_REGISTRY),
    "registry:id_conflicts": Page(_one("/households/id-conflicts/"), C.VIEW_AUDIT),  # county and above
    "registry:household": Page(
        lambda world, role: [("", f"/households/{world.household.pk}/")], C.VIEW_REGISTRY
    ),
    "registry:history": Page(
        lambda world, role: [("", f"/households/{world.household.pk}/history/")], C.VIEW_REGISTRY
    ),
    "registry:year_edit": Page(
        lambda world, role: [("", f"/households/{world.household.pk}/years/2025/")], C.EDIT_REGISTRY
    ),
    "registry:person_edit": Page(
        lambda world, role: [("", f"/households/{world.household.pk}/persons/{_person(world)}/edit/")],
        C.EDIT_REGISTRY,
    ),
    "transfer:list": Page(_one("/imports/"), C.IMPORT_REGISTRY),
    "transfer:batch": Page(
        lambda world, role: (
            [(key, f"/imports/{batch.pk}/") for key, batch in world.imports.items()]
            if role == "village"
            else []
        ),
        roles=("village",),  # a batch is its uploader's
    ),
    "feeds:list": Page(_one("/feeds/"), C.PUSH_FEEDS),
    "feeds:batch": Page(lambda world, role: [("", f"/feeds/{world.feed_batch.pk}/")], C.PUSH_FEEDS),
    "screening:list": Page(_one("/leads/"), C.VIEW_REGISTRY),
    "screening:what_if": Page(_one("/leads/what-if/"), C.VIEW_REGISTRY),
    "screening:lead": Page(_leads, C.VIEW_REGISTRY),
    "screening:runs": Page(_one("/leads/runs/"), C.RUN_SCREENING),
    "screening:run": Page(
        lambda world, role: [("", f"/leads/runs/{world.screening_run.pk}/")] if world.screening_run else [],
        C.RUN_SCREENING,
    ),
    "monitoring:list": Page(_one("/cases/"), C.VIEW_CASES),
    "monitoring:case": Page(_cases, C.VIEW_CASES),
    "monitoring:mine": Page(_one("/cases/mine/"), C.VIEW_CASES),
    "monitoring:report": Page(_one("/cases/report/"), C.VIEW_CASES),
    "monitoring:trace": Page(lambda world, role: [("", f"/cases/trace/{world.household.pk}/")], C.VIEW_CASES),
    "monitoring:housing": Page(_one("/cases/housing/"), C.VIEW_CASES),
    "monitoring:notices": Page(_one("/cases/notices/"), C.VIEW_CASES),
    "monitoring:notice": Page(lambda world, role: [("", f"/cases/notices/{world.notice.pk}/")], C.VIEW_CASES),
    "monitoring:notice_print": Page(
        lambda world, role: [("", f"/cases/notices/{world.notice.pk}/print/")], roles=("village",)
    ),
    "monitoring:lowincome": Page(_one("/cases/lowincome/"), roles=("county", "prefecture")),
    "monitoring:lowincome_county": Page(
        lambda world, role: [("", f"/cases/lowincome/{world.division_of['county']}/")],
        roles=("county", "prefecture"),
    ),
    "monitoring:lowincome_close": Page(
        lambda world, role: (
            [("", f"/cases/lowincome/leads/{world.lowincome_lead.pk}/close/")] if world.lowincome_lead else []
        ),
        C.CONFIRM_LEAD,
    ),
    "projects:list": Page(_one("/projects/"), C.VIEW_PROJECTS),
    "projects:new": Page(_one("/projects/new/"), C.PROPOSE_PROJECT),
    "projects:detail": Page(_project, C.VIEW_PROJECTS),
    "projects:adjust": Page(lambda world, role: _project(world, role, adjustable=True), C.PROPOSE_PROJECT),
    "projects:revise": Page(_revisable, C.PROPOSE_PROJECT),
    "projects:batches": Page(_one("/projects/batches/"), roles=("county", "prefecture")),
    "projects:summary": Page(_one("/projects/summary/"), roles=("county", "prefecture")),
    "projects:notices": Page(_one("/projects/notices/"), C.VIEW_PROJECTS),
    "projects:notice_new": Page(_one("/projects/notices/new/"), roles=TERRITORIAL),  # not a sector department
    "projects:notice_detail": Page(_project_notice, C.VIEW_PROJECTS),
    "projects:notice_print": Page(
        lambda world, role: _project_notice(world, role, "print/"), roles=("village",)
    ),
    "village:page": Page(lambda world, role: [("", f"/v/{world.division_of['village']}/")], roles=(PUBLIC,)),
    "village:notice": Page(_public_notice, roles=(PUBLIC,)),
    "projects:import": Page(_one("/projects/import/"), roles=("county", "county_sector")),
    "projects:import_batch": Page(_library_import, roles=("county",)),  # a batch is its county's
    "funds:allocations": Page(_one("/funds/"), C.VIEW_FUNDS),
    "funds:allocation_create": Page(_one("/funds/allocations/new/"), C.ENTER_FUNDS),
    "funds:allocation_detail": Page(_fund("allocation", "/funds/allocations/{}/"), C.VIEW_FUNDS),
    "funds:line_detail": Page(_fund("line", "/funds/lines/{}/"), C.VIEW_FUNDS),
    "funds:splits": Page(_one("/funds/splits/"), C.VIEW_FUNDS),
    "funds:split_detail": Page(_split_pages, C.VIEW_FUNDS),
    "funds:project_money": Page(_fund("project", "/funds/projects/{}/"), C.VIEW_FUNDS),
    # 支出进度, the warnings and 绩效评价 of the world's county (南涧, the demo's: its ledger is the world's)
    "funds:progress": Page(_one("/funds/progress/"), C.VIEW_FUNDS),
    "funds:county_progress": Page(_one(f"/funds/progress/{FUND_COUNTY}/"), C.VIEW_FUNDS),
    # the prefecture's ranking; a county's roles are sent on to their own county's page (opened below)
    "funds:performance": Page(_one("/funds/performance/"), roles=("prefecture", "prefecture_finance")),
    "funds:performance_county": Page(
        lambda world, role: [("", f"/funds/performance/{FUND_COUNTY}/{clock.today().year}/")], C.VIEW_FUNDS
    ),
    "funds:import": Page(_one("/funds/import/"), C.ENTER_FUNDS),
    # the asset register (P15)
    "assets:list": Page(_one("/assets/"), C.VIEW_ASSETS),
    "assets:enter_legacy": Page(_one("/assets/new/"), C.MANAGE_ASSETS),
    "assets:register_from_project": Page(_asset("project", "/assets/projects/{}/register/"), C.MANAGE_ASSETS),
    "assets:detail": Page(_asset_pages, C.VIEW_ASSETS),
    "assets:disposal_new": Page(_asset("station", "/assets/{}/disposals/new/"), C.TEND_ASSETS),
    "assets:disposals": Page(_one("/assets/disposals/"), C.VIEW_ASSETS),
    "assets:disposal_detail": Page(_asset("disposal", "/assets/disposals/{}/"), C.VIEW_ASSETS),
    "assets:plans": Page(_one("/assets/plans/"), roles=TERRITORIAL),
    "assets:plan_new": Page(_one(f"/assets/plans/new/?village={FUND_COUNTY}101202"), roles=("village",)),
    "assets:plan_report": Page(_one("/assets/plans/report/"), roles=TERRITORIAL),
    "assets:plan_detail": Page(_plan_pages, roles=TERRITORIAL),
    "assets:plan_revise": Page(_asset("returned", "/assets/plans/{}/revise/"), roles=("village",)),
    "assets:oversight": Page(_one("/assets/oversight/"), roles=("prefecture",)),  # a county's own: its page
    "assets:county": Page(_one(f"/assets/county/{FUND_COUNTY}/"), C.VIEW_ASSETS),
    "assets:quality": Page(_one(f"/assets/county/{FUND_COUNTY}/quality/"), C.VIEW_ASSETS),
    "assets:responsibility": Page(_one(f"/assets/county/{FUND_COUNTY}/responsibility/"), C.VIEW_ASSETS),
    "assets:idle": Page(_one(f"/assets/county/{FUND_COUNTY}/idle/"), C.VIEW_ASSETS),
    "assets:collective": Page(_one("/assets/collective/"), roles=TERRITORIAL),
    "assets:collective_tiers": Page(_one("/assets/collective/tiers/"), roles=TERRITORIAL),
    "assets:import": Page(_one("/assets/import/"), C.MANAGE_ASSETS),
    "assets:import_detail": Page(_asset("import", "/assets/import/{}/"), roles=("county",)),
    "planning:indicators": Page(_one("/planning/"), C.VIEW_PLANNING),
    "planning:indicator": Page(_one("/planning/indicators/transfer_employment/"), C.VIEW_PLANNING),
    "planning:periods": Page(_one("/planning/periods/"), C.VIEW_PLANNING),
    "planning:period": Page(_planning("period", "/planning/periods/{}/"), C.VIEW_PLANNING),
    "planning:value": Page(_planning("value", "/planning/values/{}/"), C.VIEW_PLANNING),
    "planning:reports": Page(_one("/planning/reports/"), C.VIEW_PLANNING),
    "planning:report_new": Page(_one("/planning/reports/new/"), C.REPORT_INDICATOR),
    "planning:report": Page(_report_pages, roles=PLANNING_READERS),
    "planning:assessments": Page(_one("/planning/assessment/?year=2025"), C.VIEW_PLANNING),
    "planning:assessment": Page(_planning("assessment", "/planning/assessment/{}/"), C.VIEW_PLANNING),
    "planning:assessment_item": Page(
        _planning("assessment", "/planning/assessment/{}/items/income_per_capita/"), C.VIEW_PLANNING
    ),
    "planning:what_if": Page(
        _one("/planning/assessment/what-if/?year=2025&weight_work=35&weight_results=20"), C.VIEW_PLANNING
    ),
    "planning:findings": Page(_one("/planning/findings/?year=2025"), C.VIEW_PLANNING),
    "planning:supervisions": Page(_one("/planning/supervision/"), C.VIEW_PLANNING),
    "planning:task": Page(_planning("task", "/planning/supervision/tasks/{}/"), C.VIEW_PLANNING),
    "planning:teams": Page(_one("/planning/teams/"), C.VIEW_PLANNING),
    "planning:teams_county": Page(
        _one(f"/planning/teams/county/{FUND_COUNTY}/"), roles=("county", "county_sector", "prefecture")
    ),
    "planning:team_village": Page(_one(f"/planning/teams/village/{FUND_COUNTY}101202/"), C.VIEW_PLANNING),
    "dashboards:home": Page(_one("/dashboards/"), C.VIEW_DASHBOARDS),
    "dashboards:figure": Page(_figure_tables, C.VIEW_DASHBOARDS),
    "dashboards:map": Page(
        _one("/dashboards/map/?figure=assistance&measure=development_rate"), C.VIEW_DASHBOARDS
    ),
    "portal:apply": Page(_one("/apply/"), roles=(PUBLIC,)),
    "portal:done": Page(_one("/apply/done/"), roles=(PUBLIC,)),  # the session holds a tracking code
    "portal:status": Page(_one("/apply/status/"), roles=(PUBLIC,)),
    "admin:index": Page(_one("/admin/"), roles=("admin",)),
    "admin:audit_auditevent_changelist": Page(_one("/admin/audit/auditevent/"), roles=("admin",)),
    "admin:accounts_user_changelist": Page(_one("/admin/accounts/user/"), roles=("admin",)),
    "admin:accounts_user_change": Page(
        lambda world, role: [("", f"/admin/accounts/user/{world.users['village'].pk}/change/")],
        roles=("admin",),
    ),
}

DOWNLOAD = "a file download (Excel/PDF), not a page"
POST_ONLY = "POST only: a form's target, its form is on a visited page"
FRAGMENT = "an htmx fragment swapped into a visited page, not a page of its own"
API = "the JSON API for departments and the mobile app, not a page"
ADMIN_SAME = "Django's own admin, the same template as a visited admin page"

EXEMPT: dict[str, str] = {
    "accounts:logout": POST_ONLY,
    "divisions:children": FRAGMENT,
    "registry:lookup": POST_ONLY,
    "registry:export": DOWNLOAD,
    "registry:id_conflict_resolve": POST_ONLY,
    "registry:reveal": POST_ONLY,
    "registry:reveal_phone": POST_ONLY,
    "registry:reveal_contact_phone": POST_ONLY,
    "transfer:template": DOWNLOAD,
    "transfer:progress": FRAGMENT,
    "transfer:errors": DOWNLOAD,
    "transfer:confirm": POST_ONLY,
    "feeds:quarantine": DOWNLOAD,
    "screening:dismiss": POST_ONLY,
    "screening:run_progress": FRAGMENT,
    "monitoring:applicant_reveal": POST_ONLY,
    "monitoring:move": POST_ONLY,
    "monitoring:link_household": POST_ONLY,
    "monitoring:open_from_lead": POST_ONLY,
    "monitoring:visit": POST_ONLY,
    "monitoring:meeting": POST_ONLY,
    "monitoring:green_channel": POST_ONLY,
    "monitoring:measure": POST_ONLY,
    "monitoring:evaluate": POST_ONLY,
    "monitoring:consent": POST_ONLY,
    "monitoring:helper": POST_ONLY,
    "monitoring:measure_move": POST_ONLY,
    "monitoring:measure_detail": POST_ONLY,
    "monitoring:person_item": POST_ONLY,
    "monitoring:report_export": DOWNLOAD,
    "monitoring:trace_export": DOWNLOAD,
    "monitoring:sector": FRAGMENT,
    "monitoring:continuing": FRAGMENT,
    "monitoring:housing_close": POST_ONLY,
    "monitoring:open": POST_ONLY,
    "monitoring:attachment": DOWNLOAD,
    "monitoring:notice_pdf": DOWNLOAD,
    "monitoring:notice_post": POST_ONLY,
    "monitoring:objection": POST_ONLY,
    "monitoring:objection_resolve": POST_ONLY,
    "monitoring:roster": DOWNLOAD,
    "monitoring:lowincome_compare": POST_ONLY,
    "monitoring:lowincome_export": POST_ONLY + " (the outcomes workbook for 民政, a download)",
    "projects:move": POST_ONLY,
    "projects:file_emergency": POST_ONLY,
    "projects:attachment": DOWNLOAD,
    "projects:household_panel": FRAGMENT,
    "projects:household_picker": FRAGMENT,
    "projects:notice_pdf": DOWNLOAD,
    "projects:notice_post": POST_ONLY,
    "projects:objection_record": POST_ONLY,
    "projects:objection_answer": POST_ONLY,
    "projects:export": DOWNLOAD,
    "projects:import_errors": DOWNLOAD,
    "projects:import_confirm": POST_ONLY,
    "funds:allocation_lines_add": POST_ONLY,
    "funds:split_create": POST_ONLY,
    "funds:split_confirm": POST_ONLY,
    "funds:split_refuse": POST_ONLY,
    "funds:payment_create": POST_ONLY,
    "funds:payment_reverse": POST_ONLY,
    "projects:target_result": POST_ONLY,
    # the fund workbooks (other areas' routes, downloads whatever their pages become)
    "funds:allocation_xlsx": DOWNLOAD,
    "funds:payments_xlsx": DOWNLOAD,
    "funds:progress_xlsx": DOWNLOAD,
    "funds:performance_county_xlsx": DOWNLOAD,
    "funds:performance_project_xlsx": DOWNLOAD,
    "funds:performance_ranking_xlsx": DOWNLOAD,
    "funds:import_template": DOWNLOAD,
    "assets:confirm": POST_ONLY,
    "assets:hand_over": POST_ONLY,
    "assets:care": POST_ONLY,
    "assets:inspect": POST_ONLY,
    "assets:income": POST_ONLY,
    "assets:household_end": POST_ONLY,
    "assets:disposal_move": POST_ONLY,
    "assets:disposal_proceeds": POST_ONLY,
    "assets:plan_move": POST_ONLY,
    "assets:collective_record": POST_ONLY,
    "assets:import_confirm": POST_ONLY,
    "assets:attachment": DOWNLOAD,
    "assets:register_xlsx": DOWNLOAD,
    "assets:import_template": DOWNLOAD,
    "assets:disposal_log_xlsx": DOWNLOAD,
    "assets:plan_payroll_xlsx": DOWNLOAD,
    "assets:quality_xlsx": DOWNLOAD,
    "assets:responsibility_xlsx": DOWNLOAD,
    "assets:idle_xlsx": DOWNLOAD,
    "assets:collective_tiers_xlsx": DOWNLOAD,
    "planning:period_xlsx": DOWNLOAD,
    "planning:stats": DOWNLOAD,
    "planning:assessment_xlsx": DOWNLOAD,
    "planning:teams_xlsx": DOWNLOAD,
    "planning:report_file": DOWNLOAD,
    "planning:finding_file": DOWNLOAD,
    "planning:task_file": DOWNLOAD,
    "planning:report_move": POST_ONLY,
    "planning:report_revise": POST_ONLY,
    "planning:report_files_add": POST_ONLY,
    "planning:assessment_compute": POST_ONLY,
    "planning:finding_add": POST_ONLY,
    "planning:finding_withdraw": POST_ONLY,
    "planning:supervision_record": POST_ONLY,
    "planning:task_add": POST_ONLY,
    "planning:task_move": POST_ONLY,
    "planning:team_village_flags": POST_ONLY,
    "planning:team_member_add": POST_ONLY,
    "planning:team_member_end": POST_ONLY,
    "portal:divisions": "JSON for the portal's place pickers, " + FRAGMENT,
    "dashboards:data": "JSON of the dashboard's figures, read by its charts (the page is visited)",
    "dashboards:map_geometry": "JSON of the county map's shapes, read by the map (the page is visited)",
    "dashboards:figure_xlsx": DOWNLOAD,
    "dashboards:map_xlsx": DOWNLOAD,
    "admin:login": "Django admin's login: staff log in through /accounts/login/ (visited)",
    "admin:logout": POST_ONLY,
    "admin:password_change": "Django admin's password form: " + ADMIN_SAME,
    "admin:password_change_done": "Django admin's confirmation after a password change: " + ADMIN_SAME,
    "admin:autocomplete": "Django admin's JSON for autocomplete widgets",
    "admin:jsi18n": "Django admin's JavaScript catalogue",
    "admin:view_on_site": "Django admin: a redirect to the object's own page",
    "admin:app_list": "Django admin's index filtered to one app: " + ADMIN_SAME,
    "admin:auth_user_password_change": "Django admin's set-password form: " + ADMIN_SAME,
}
for _model in admin.site._registry:
    _prefix = f"admin:{_model._meta.app_label}_{_model._meta.model_name}"
    for _view in ("changelist", "add", "change", "delete", "history"):
        EXEMPT.setdefault(f"{_prefix}_{_view}", ADMIN_SAME)


def route_names() -> Iterator[tuple[str, str]]:
    """(name, pattern) of every route; unnamed ones (Django admin's catch-alls) as "namespace:None"."""

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> Iterator[tuple[str, str]]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace
                joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                yield from walk(entry, prefix + str(entry.pattern), joined)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
                yield name, prefix + str(entry.pattern)

    yield from walk(get_resolver(), "/", None)


# Whole namespaces that hold no page, with the reason.
EXEMPT_NAMESPACES = {
    "api": API + " (its /api/v1/docs is ninja's developer Swagger UI, third-party and in English by design)",
}
EXEMPT["admin:None"] = "Django admin's unnamed catch-alls: redirects to a change page, or its 404"


def unlisted_routes() -> list[str]:
    """Routes neither visited nor exempt."""
    return [
        f"{name} ({pattern})"
        for name, pattern in route_names()
        if name not in PAGES and name not in EXEMPT and name.split(":")[0] not in EXEMPT_NAMESPACES
    ]


def roles_of(page: Page) -> tuple[str, ...]:
    if page.roles is not None:
        return page.roles
    if page.capability is None:
        return tuple(ROLE_NAMES)
    return tuple(role for role, name in ROLE_NAMES.items() if page.capability in ROLE_CAPABILITIES[name])


# The error pages people meet, opened on purpose: (role, path) -> the status expected. Not routes, so not in
# PAGES; checked like every page (words, width, axe) but for their status.
ERROR_PAGES: dict[tuple[str, str], int] = {
    ("village", "/cases/999999/"): 404,  # a case that is not there, or not in the cadre's village
    ("village", "/policy/parameters/new/"): 403,  # a page the role may not open (the administrator's)
    (PUBLIC, "/households/"): 302,  # the login page, reached from a page that needs one
}


def visits_for(world: World, role: str) -> list[tuple[str, str, str, int]]:
    """(route name, label, path, expected status) of every page `role` opens, in PAGES order, then its error
    pages."""
    found: list[tuple[str, str, str, int]] = []
    for name, page in PAGES.items():
        if role in roles_of(page):
            found.extend((name, label, path, 200) for label, path in page.urls(world, role))
    for (who, path), status in ERROR_PAGES.items():
        if who == role:
            found.append((f"error:{status}", "", path, status))
    return found
