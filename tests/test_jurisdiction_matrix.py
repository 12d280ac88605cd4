"""Every role against every division-bound page and endpoint (docs/design.md: every read is scoped, tested per role).

Later issues add their pages and endpoints to DIVISION_BOUND_URLS or to one of the per-object route tables
below (households, ID conflicts, imports, leads, feeds, cases); `test_matrix_covers_every_route` fails when a
route taking a division or object key is in none of them and not exempted by its exact name, and
`test_route_tables_name_their_urls` when a table's URL is not the route it is listed under.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from zhenxing.accounts.capabilities import Capability, capabilities_of
from zhenxing.accounts.enums import AssignmentKind, Role
from zhenxing.accounts.models import User

from .conftest import (
    COUNTY,
    OTHER_COUNTY,
    OTHER_COUNTY_TOWNSHIP,
    OTHER_COUNTY_VILLAGE,
    OTHER_TOWNSHIP,
    PREFECTURE,
    SAME_TOWNSHIP_VILLAGE,
    TOWNSHIP,
    VILLAGE,
)
from .factories import AssignmentFactory, division, make_household, make_user

pytestmark = pytest.mark.django_db

# route name -> URL for a division code
DIVISION_BOUND_URLS: dict[str, Callable[[str], str]] = {
    "divisions:detail": lambda code: f"/divisions/{code}/",
    "divisions:children": lambda code: f"/divisions/{code}/children/",
    "api:division_detail": lambda code: f"/api/v1/divisions/{code}",
}
# The Django admin (staff only) with the models registered in it: a model registered later must be added here
# on purpose, for the admin shows every row of a table regardless of division.
ADMIN_MODELS = {
    "accounts_user": "user management, the administrator's own job",
    "accounts_assignment": "user management",
    "accounts_departmentapikey": "user management (department API keys)",
    "accounts_sector": "county sectors (P14), reference data with no division",
    "projects_projectcategory": "the project category catalogue and its sector map (P14), reference data",
    "assets_assettype": "the asset-type catalogue and its supervising sectors (P15), reference data",
    "assets_asset": "the asset register, read-only for staff (P15: no delete; writes go through the pages)",
    "planning_indicator": "the P12 indicator catalogue (P16), reference data with no division",
    "planning_statstemplate": "the yearly statistics template (P16), reference data with no division",
    "planning_indicatorvalue": "frozen indicator values, read-only for staff (P16: corrected by a new version "
    "through the pages); county figures, no household",
    "auth_group": "user management",
    "audit_auditevent": "read-only audit trail for the administrator",
    "axes_accessattempt": "login lockouts",
    "axes_accessfailurelog": "login lockouts",
    "axes_accesslog": "login lockouts",
    "common_calendarday": "working-day calendar, reference data with no division",
    "common_calendaryear": "working-day calendar, reference data with no division",
    "divisions_division": "the division tree, reference data",
    "django_tasks_database_dbtaskresult": "background jobs: their arguments are ids, never personal data",
}
# Routes with a parameter that are neither division-bound nor in a per-object table below: exact names, each
# with its reason.
EXEMPT_ROUTES = {
    **{
        f"admin:{model}_{view}": f"Django admin, staff only: {reason}"
        for model, reason in ADMIN_MODELS.items()
        for view in ("change", "delete", "history")
    },
    "admin:auth_user_password_change": "Django admin, staff only: setting a user's password",
    "admin:view_on_site": "Django admin, staff only: redirects to a model's own page, which is scoped",
    "policy:parameter_detail": "policy parameters are province-wide reference data, no division; "
    "who may read and revise them is tested per role in tests/policy/test_pages.py",
    "village:page": "a village's public project page (P14), open to anyone without login by design: public facts "
    "only, never a household; tested in tests/projects/test_public_village.py",
    "projects:target_result": "a 绩效目标's recorded result (P14 绩效评价): the target is found through the scoped "
    "project selector, the service takes only the project's county; by role in tests/funds/test_performance_targets.py",
    "village:notice": "a project announcement on a village's public page (P14), open to anyone by design; only "
    "posted announcements reaching that village; tested in tests/projects/test_public_village.py",
}

TARGETS = [
    PREFECTURE,
    COUNTY,
    TOWNSHIP,
    VILLAGE,
    SAME_TOWNSHIP_VILLAGE,
    OTHER_TOWNSHIP,
    OTHER_COUNTY,
    OTHER_COUNTY_TOWNSHIP,
    OTHER_COUNTY_VILLAGE,
]


def _visible(prefixes: list[str]) -> set[str]:
    return {code for code in TARGETS if any(code.startswith(p) for p in prefixes)}


# role label -> (user maker, division codes the user must see among TARGETS)
def _helper() -> User:
    cadre = make_user(Role.VILLAGE, VILLAGE)
    AssignmentFactory(user=cadre, kind=AssignmentKind.HELPER, division=division(OTHER_COUNTY_VILLAGE))
    return cadre


def _expired_helper() -> User:
    cadre = make_user(Role.VILLAGE, VILLAGE)
    AssignmentFactory(
        user=cadre,
        division=division(OTHER_COUNTY_VILLAGE),
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2021, 1, 1),
    )
    return cadre


ROLES: dict[str, tuple[Callable[[], User], set[str]]] = {
    "village": (lambda: make_user(Role.VILLAGE, VILLAGE), _visible([VILLAGE])),
    "township": (lambda: make_user(Role.TOWNSHIP, TOWNSHIP), _visible([TOWNSHIP])),
    "county": (lambda: make_user(Role.COUNTY, COUNTY), _visible([COUNTY])),
    "prefecture": (lambda: make_user(Role.PREFECTURE, PREFECTURE), set(TARGETS)),
    "department": (lambda: make_user(Role.DEPARTMENT), set()),
    # a finance bureau (P14 funds) sees money and library projects through the fund pages, no division's pages
    "finance": (lambda: make_user(Role.FINANCE, COUNTY), set()),
    "admin": (lambda: make_user(Role.ADMIN), set(TARGETS)),  # the tree is reference data for user management
    "village+assignment": (_helper, _visible([VILLAGE, OTHER_COUNTY_VILLAGE])),
    "village+expired assignment": (_expired_helper, _visible([VILLAGE])),
}


@pytest.mark.parametrize("route", sorted(DIVISION_BOUND_URLS))
@pytest.mark.parametrize("role", sorted(ROLES))
def test_role_sees_exactly_its_scope(client: Client, role: str, route: str) -> None:
    # given
    make, visible = ROLES[role]
    client.force_login(make())
    for code in TARGETS:
        # when
        response = client.get(DIVISION_BOUND_URLS[route](code))
        # then: in scope answers, out of scope is not found (404, never 403)
        expected = 200 if code in visible else 404
        assert response.status_code == expected, f"{role} {route} {code}: {response.status_code}"


@pytest.mark.parametrize("route", sorted(DIVISION_BOUND_URLS))
def test_anonymous_is_sent_to_login(client: Client, route: str) -> None:
    response = client.get(DIVISION_BOUND_URLS[route](VILLAGE))
    assert response.status_code in {302, 401}


def _named_routes_with_parameters(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _named_routes_with_parameters(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.pattern.converters and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def _route_tables() -> dict[str, dict[str, str]]:
    """Every per-object table below: its name -> {route name: a URL of that route, for id 1}."""
    ids = dict.fromkeys(
        ("case", "household", "notice", "objection", "attachment", "measure", "entry", "project"), 1
    )
    return {
        "DIVISION_BOUND_URLS": {name: url(VILLAGE) for name, url in DIVISION_BOUND_URLS.items()},
        "HOUSEHOLD_ROUTES": {name: url(1, 1) for name, (_, _, url, _) in HOUSEHOLD_ROUTES.items()},
        "COUNTY_BOUND_REGISTRY_ROUTES": {name: url(1) for name, url in COUNTY_BOUND_REGISTRY_ROUTES.items()},
        "IMPORT_ROUTES": {name: url(1) for name, (_, url) in IMPORT_ROUTES.items()},
        "LEAD_ROUTES": {name: url(1) for name, (_, url) in LEAD_ROUTES.items()},
        "FEED_ROUTES": {name: url(1) for name, url in FEED_ROUTES.items()},
        "RUN_ROUTES": {name: url(1) for name, url in RUN_ROUTES.items()},
        "CASE_ROUTES": {name: url(ids) for name, (_, url) in CASE_ROUTES.items()},
        "LOWINCOME_ROUTES": {name: url(COUNTY) for name, (_, url) in LOWINCOME_ROUTES.items()},
        "LOWINCOME_LEAD_ROUTES": {name: url(1) for name, url in LOWINCOME_LEAD_ROUTES.items()},
        "NOTICE_ROUTES": {name: url(NOTICE_IDS) for name, (_, url) in NOTICE_ROUTES.items()},
        "PROJECT_ROUTES": {name: url(ids) for name, (_, url) in PROJECT_ROUTES.items()},
        "LIBRARY_IMPORT_ROUTES": {name: url(1) for name, (_, url) in LIBRARY_IMPORT_ROUTES.items()},
        "FUND_ROUTES": {name: url(FUND_IDS) for name, url in _fund_routes().items()},
        "ASSET_ROUTES": {name: url(ASSET_IDS) for name, url in _asset_routes().items()},
        "PLANNING_ROUTES": _planning_routes(),
        "DASHBOARD_ROUTES": {name: url(VILLAGE).split("?")[0] for name, url in DASHBOARD_ROUTES.items()},
    }


# The dashboards (issue 21): the figure's key is a catalogue name, the place a query parameter; every role against
# every place: in scope answers, out of scope 404, a role without the dashboards (village, department, finance,
# admin) 403 whatever the place.
DASHBOARD_ROUTES: dict[str, Callable[[str], str]] = {
    "dashboards:figure": lambda code: f"/dashboards/figures/monitoring/?place={code}",
    "dashboards:figure_xlsx": lambda code: f"/dashboards/figures/leads.xlsx?place={code}",
}
DASHBOARD_PAGES = {
    "dashboards:home": lambda code: f"/dashboards/?place={code}",
    "dashboards:data": lambda code: f"/dashboards/data.json?place={code}",
}


@pytest.mark.parametrize("route", sorted({**DASHBOARD_ROUTES, **DASHBOARD_PAGES}))
@pytest.mark.parametrize("role", sorted(ROLES))
def test_dashboard_routes_by_role(client: Client, role: str, route: str) -> None:
    # given a user of the role
    make, visible = ROLES[role]
    user = make()
    client.force_login(user)
    allowed = Capability.VIEW_DASHBOARDS in capabilities_of(user)
    url = {**DASHBOARD_ROUTES, **DASHBOARD_PAGES}[route]
    for code in TARGETS:
        # when the user asks for the place's figures
        response = client.get(url(code))
        # then
        expected = (200 if code in visible else 404) if allowed else 403
        assert response.status_code == expected, f"{role} {route} {code}: {response.status_code}"


# The plan's indicators and the county assessment (P12, P16, P11): each area's routes are tested by role and
# scope in its own module (the county's, its township's and sector department's, the prefecture's in scope; another
# county 404; roles without the planning pages 403), as (route name, kwargs of a world's ids, {role: status})
def _planning_routes() -> dict[str, str]:
    from .planning.test_assessment_pages import ASSESSMENT_ROUTES
    from .planning.test_indicator_pages import INDICATOR_ROUTES
    from .planning.test_report_pages import REPORT_ROUTES
    from .planning.test_supervision_pages import SUPERVISION_ROUTES
    from .planning.test_team_pages import TEAM_ROUTES

    tables = (INDICATOR_ROUTES, REPORT_ROUTES, ASSESSMENT_ROUTES, SUPERVISION_ROUTES, TEAM_ROUTES)
    keyed = _named_routes_with_parameters(get_resolver())  # a key in its path

    class AnyIds(dict[str, object]):
        def __missing__(self, key: str) -> object:
            return COUNTY if key in ("county", "code", "village") else 1

    return {
        name: reverse(name, kwargs=kwargs(AnyIds()))
        for table in tables
        for name, kwargs, _ in table
        if name in keyed
    }


# The fund ledger (P14): each area's routes are tested by role in its own module (a county's finance bureau, its
# 乡村振兴局, the prefecture and its bureau in scope; another county's bureau 404; roles without the ledger 403)
FUND_IDS: dict[str, object] = {
    **dict.fromkeys(("allocation", "line", "split", "proposed", "payment", "project"), 1),
    "county": COUNTY,
    "year": 2026,
}


def _fund_routes() -> dict[str, Callable[[dict[str, object]], str]]:
    from .funds.test_api import API_ROUTES
    from .funds.test_ledger_routes import FUNDS_LEDGER_ROUTES
    from .funds.test_performance_pages import PERFORMANCE_ROUTES
    from .funds.test_watch import WATCH_ROUTES
    from .funds.test_workbook import WORKBOOK_ROUTES

    routes = {**FUNDS_LEDGER_ROUTES, **WATCH_ROUTES, **PERFORMANCE_ROUTES, **WORKBOOK_ROUTES, **API_ROUTES}
    routes.pop("funds:progress")  # no key in its path: the page shows the user's own counties
    return routes


# The asset register (P15): each area's routes are tested by role in its own module (the territorial roles over
# the asset's place and the supervising sector in scope; another county 404; roles without the register 403)
ASSET_IDS: dict[str, object] = {
    **dict.fromkeys(("asset", "project", "file", "disposal", "plan", "published", "asset_import"), 1),
    "county": COUNTY,
    "year": 2026,
}


def _asset_routes() -> dict[str, Callable[[dict[str, object]], str]]:
    from .assets.test_collective import COLLECTIVE_ROUTES
    from .assets.test_disposal_pages import DISPOSAL_ROUTES
    from .assets.test_oversight import COUNTY_ROUTES
    from .assets.test_plan_pages import PLAN_ROUTES
    from .assets.test_register_pages import REGISTER_ROUTES
    from .assets.test_workbook import WORKBOOK_ROUTES

    return {
        name: url
        for table in (
            REGISTER_ROUTES,
            DISPOSAL_ROUTES,
            PLAN_ROUTES,
            COUNTY_ROUTES,
            COLLECTIVE_ROUTES,
            WORKBOOK_ROUTES,
        )
        for name, url in table.items()
        if any(marker in url(ASSET_IDS) for marker in ("/1/", "/1.", f"/{COUNTY}"))  # a key in its path
    }


def test_matrix_covers_every_route() -> None:
    routes = _named_routes_with_parameters(get_resolver())
    covered = set(EXEMPT_ROUTES).union(*_route_tables().values())
    uncovered = routes - covered
    assert not uncovered, f"add these routes to the jurisdiction matrix: {sorted(uncovered)}"
    # and no entry outlives its route (an exemption by a name that no longer exists hides nothing, but misleads)
    assert covered <= routes, f"routes listed in the matrix that do not exist: {sorted(covered - routes)}"


def test_admin_exemptions_are_the_registered_models() -> None:
    registered = {f"{model._meta.app_label}_{model._meta.model_name}" for model in admin.site._registry}
    assert registered == set(ADMIN_MODELS)


def test_route_tables_name_their_urls() -> None:
    for table, urls in _route_tables().items():
        for name, url in urls.items():
            assert resolve(url).view_name == name, f"{table}[{name!r}] requests {url}"


# The audit list: who may open it, and which events each sees.
AUDIT_EVENT_DIVISIONS = [VILLAGE, OTHER_TOWNSHIP, OTHER_COUNTY_VILLAGE, None]
AUDIT_VISIBLE: dict[str, set[str | None] | None] = {  # None: the page answers 404
    "village": None,
    "township": None,
    "county": {VILLAGE, OTHER_TOWNSHIP},
    "prefecture": {VILLAGE, OTHER_TOWNSHIP, OTHER_COUNTY_VILLAGE, None},
    "department": None,
    "finance": None,
    "admin": None,
    "village+assignment": None,
    "village+expired assignment": None,
}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_audit_list_by_role(client: Client, role: str) -> None:
    from django.db import transaction

    from zhenxing.audit import services as audit

    # given: one event bound to each of several divisions, and one bound to none
    with transaction.atomic():
        for code in AUDIT_EVENT_DIVISIONS:
            audit.record(
                actor=None,
                action="test.event",
                target=("test.thing", code or "none"),
                division=division(code) if code else None,
            )
    client.force_login(ROLES[role][0]())
    # when
    response = client.get("/audit/", {"action": "test.event"})
    # then
    expected = AUDIT_VISIBLE[role]
    if expected is None:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    shown = {event.target_id for event in response.context["page"]}
    assert shown == {code or "none" for code in expected}


# --- household-bound pages and endpoints ----------------------------------------------------------------
NEEDS = {"edit": Capability.EDIT_REGISTRY, "reveal": Capability.REVEAL_ID_NUMBER}


def _with_phones(url: Callable[[int, int], str]) -> Callable[[int, int], str]:
    """The route's URL, the household and person given phones first (a reveal of nothing answers 422)."""

    def make(household: int, person: int) -> str:
        from zhenxing.registry.models import Household, Person
        from zhenxing.registry.phones import phone_values, seal_phone

        Person.objects.filter(pk=person).update(**phone_values(seal_phone("13912345678")))  # type: ignore[arg-type]
        Household.objects.filter(pk=household).update(
            **phone_values(seal_phone("13800001111"), prefix="contact_phone")  # type: ignore[arg-type]
        )
        return url(household, person)

    return make


HOUSEHOLD_ROUTES: dict[str, tuple[str, str, Callable[[int, int], str], str | None]] = {
    # route name: (method, needed capability key or "", url maker(household, person), body)
    "registry:household": ("get", "", lambda h, p: f"/households/{h}/", None),
    "registry:history": ("get", "", lambda h, p: f"/households/{h}/history/", None),
    "registry:year_edit": ("get", "edit", lambda h, p: f"/households/{h}/years/2025/", None),
    "registry:person_edit": ("get", "edit", lambda h, p: f"/households/{h}/persons/{p}/edit/", None),
    "registry:reveal": (
        "post",
        "reveal",
        lambda h, p: f"/households/{h}/persons/{p}/reveal/",
        "reason=核对身份",
    ),
    "registry:reveal_phone": (
        "post",
        "reveal",
        _with_phones(lambda h, p: f"/households/{h}/persons/{p}/reveal-phone/"),
        "reason=电话回访",
    ),
    "registry:reveal_contact_phone": (
        "post",
        "reveal",
        _with_phones(lambda h, p: f"/households/{h}/reveal-phone/"),
        "reason=电话回访",
    ),
    "api:household_detail": ("get", "", lambda h, p: f"/api/v1/households/{h}", None),
    "api:person_detail": ("get", "", lambda h, p: f"/api/v1/persons/{p}", None),
    "api:household_year_put": (
        "put",
        "edit",
        lambda h, p: f"/api/v1/households/{h}/years/2025",
        '{"wage": 100}',
    ),
}


# county-bound registry routes, covered by test_id_conflict_routes_by_role below
COUNTY_BOUND_REGISTRY_ROUTES: dict[str, Callable[[int], str]] = {
    "registry:id_conflict_resolve": lambda pk: f"/households/id-conflicts/{pk}/resolve/",
}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_id_conflict_routes_by_role(client: Client, role: str) -> None:
    """An ID-number conflict belongs to the counties of both sides: listed and resolved there (and listed for
    the prefecture); to everyone else it does not exist."""
    from django.utils import timezone

    from zhenxing.accounts.capabilities import has_capability
    from zhenxing.registry.identity import protect_id_number
    from zhenxing.registry.models import IdConflict

    made = {}
    for village, county in ((VILLAGE, COUNTY), (OTHER_COUNTY_VILLAGE, OTHER_COUNTY)):
        household, other = make_household(village), make_household(village)
        person = household.memberships.first().person  # type: ignore[attr-defined]
        holder = other.memberships.first().person  # type: ignore[attr-defined]
        number = protect_id_number("11010519491231002X")
        made[county] = IdConflict.objects.create(
            source="edit", person=person, household=household, holder=holder, county=division(county),
            holder_county=division(county), id_number_encrypted=number.encrypted, id_number_index=number.index,
            id_number_masked=number.masked, reported_at=timezone.now(),
        )  # fmt: skip
    make, visible_codes = ROLES[role]
    user = make()
    client.force_login(user)
    sees = has_capability(user, Capability.VIEW_AUDIT)
    resolves = sees and has_capability(user, Capability.EDIT_REGISTRY)
    listing = client.get("/households/id-conflicts/")
    if not sees:
        assert listing.status_code == 404, role
    else:
        shown = {c.pk for c in listing.context["conflicts"]}
        assert shown == {c.pk for county, c in made.items() if county in visible_codes}, role
    for county, conflict in made.items():
        response = client.post(
            COUNTY_BOUND_REGISTRY_ROUTES["registry:id_conflict_resolve"](conflict.pk),
            {"outcome": "withdrawn", "resolution": "核实为录入错误"},
        )
        expected = 404 if not (sees and county in visible_codes) else 302 if resolves else 403
        assert response.status_code == expected, f"{role} {county}: {response.status_code}"


@pytest.mark.parametrize("route", sorted(HOUSEHOLD_ROUTES))
@pytest.mark.parametrize("role", sorted(ROLES))
def test_household_routes_by_role(client: Client, role: str, route: str) -> None:
    from zhenxing.accounts.capabilities import has_capability
    from zhenxing.registry.models import Household

    # given: a household in the demo village and one in another county
    mine = make_household(VILLAGE)
    other = make_household(OTHER_COUNTY_VILLAGE)
    assert isinstance(mine, Household)
    assert isinstance(other, Household)
    make, visible_codes = ROLES[role]
    if role == "admin":
        visible_codes = set()  # the tree is reference data to an administrator; households are not
    user = make()
    client.force_login(user)
    method, needs, url, body = HOUSEHOLD_ROUTES[route]
    for household, code in ((mine, VILLAGE), (other, OTHER_COUNTY_VILLAGE)):
        person = household.memberships.first().person  # type: ignore[union-attr]
        kwargs = {
            "content_type": "application/json"
            if route.startswith("api:")
            else "application/x-www-form-urlencoded"
        }
        response = (
            getattr(client, method)(url(household.pk, person.pk), body, **kwargs)
            if body
            else client.get(url(household.pk, person.pk))
        )
        if code not in visible_codes:
            expected = 404
        elif needs and not has_capability(user, NEEDS[needs]):
            expected = 403
        else:
            expected = 200
        assert response.status_code == expected, f"{role} {route} {code}: {response.status_code}"


IMPORT_ROUTES: dict[str, tuple[str, Callable[[int], str]]] = {
    "transfer:batch": ("get", lambda pk: f"/imports/{pk}/"),
    "transfer:progress": ("get", lambda pk: f"/imports/{pk}/progress/"),
    "transfer:errors": ("get", lambda pk: f"/imports/{pk}/errors.xlsx"),
    "transfer:confirm": ("post", lambda pk: f"/imports/{pk}/confirm/"),
}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_import_batch_routes_by_role(client: Client, role: str) -> None:
    from zhenxing.accounts.capabilities import has_capability
    from zhenxing.transfer.models import ImportBatch, ImportStatus

    owner = make_user(Role.VILLAGE, VILLAGE)
    batch = ImportBatch.objects.create(
        created_by=owner,
        scope_division=division(VILLAGE),
        file_name="t.xlsx",
        file_sha256="0" * 64,
        status=ImportStatus.INVALID,
    )
    make, visible_codes = ROLES[role]
    user = make()
    client.force_login(user)
    visible = VILLAGE in visible_codes and has_capability(user, Capability.IMPORT_REGISTRY)
    for method, url in IMPORT_ROUTES.values():
        if method == "get":
            assert client.get(url(batch.pk)).status_code == (200 if visible else 404), (
                f"{role} {url(batch.pk)}"
            )
    confirm = client.post(IMPORT_ROUTES["transfer:confirm"][1](batch.pk))
    assert confirm.status_code == (
        403 if visible else 404
    )  # only the uploader confirms, and only a validated batch


LEAD_ROUTES: dict[str, tuple[str, Callable[[int], str]]] = {
    "screening:lead": ("get", lambda pk: f"/leads/{pk}/"),
    "monitoring:open_from_lead": ("post", lambda pk: f"/cases/from-lead/{pk}/"),
    "screening:dismiss": ("post", lambda pk: f"/leads/{pk}/dismiss/"),
}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_lead_routes_by_role(client: Client, role: str) -> None:
    from zhenxing.accounts.capabilities import has_capability
    from zhenxing.screening.models import Lead

    leads = {}
    for code in (VILLAGE, OTHER_COUNTY_VILLAGE):
        household = make_household(code)
        leads[code] = Lead.objects.create(
            household=household, grade="橙", round="2025-11", village_due=datetime.date(2025, 11, 20),
            township_due=datetime.date(2025, 11, 25), county_due=datetime.date(2025, 11, 30),
        )  # fmt: skip
    make, visible_codes = ROLES[role]
    if role == "admin":
        visible_codes = set()
    user = make()
    client.force_login(user)
    for code, lead in leads.items():
        visible = code in visible_codes
        page = LEAD_ROUTES["screening:lead"][1](lead.pk)
        assert client.get(page).status_code == (200 if visible else 404), f"{role} {code}"
        expected = 404 if not visible else 302 if has_capability(user, Capability.CONFIRM_LEAD) else 403
        confirm = LEAD_ROUTES["monitoring:open_from_lead"][1](lead.pk)
        assert client.post(confirm).status_code == expected, f"{role} confirm {code}"
        dismiss = LEAD_ROUTES["screening:dismiss"][1](lead.pk)
        assert client.post(dismiss, {"reason": "x"}).status_code in ({404} if not visible else {302, 403})
    listed = (
        {lead.pk for lead in client.get("/leads/", {"status": "open"}).context["leads"]}
        if role != "department"
        else set()
    )
    assert listed <= {lead.pk for code, lead in leads.items() if code in visible_codes}


RUN_ROUTES: dict[str, Callable[[int], str]] = {
    "screening:run": lambda pk: f"/leads/runs/{pk}/",
    "screening:run_progress": lambda pk: f"/leads/runs/{pk}/progress/",
}
# the county's own rounds and the prefecture-wide ones; the prefecture every round; other roles may not start
# or follow rounds (403, a capability: RUN_SCREENING)
RUNS_VISIBLE: dict[str, set[str | None] | None] = {
    "county": {COUNTY, None},
    "prefecture": {COUNTY, OTHER_COUNTY, None},
}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_run_routes_by_role(client: Client, role: str) -> None:
    from zhenxing.screening.models import RuleSet, ScreeningRun

    rule_set = RuleSet.objects.get(is_current=True)
    runs = {
        scope: ScreeningRun.objects.create(
            year=2025, engine="db", rule_set=rule_set, status="done", county_id=scope
        )
        for scope in (COUNTY, OTHER_COUNTY, None)
    }
    client.force_login(ROLES[role][0]())
    visible = RUNS_VISIBLE.get(role)
    for scope, run in runs.items():
        for url in RUN_ROUTES.values():
            expected = 403 if visible is None else 200 if scope in visible else 404
            assert client.get(url(run.pk)).status_code == expected, f"{role} {url(run.pk)}"


FEED_ROUTES: dict[str, Callable[[int], str]] = {
    "feeds:batch": lambda pk: f"/feeds/{pk}/",
    "feeds:quarantine": lambda pk: f"/feeds/{pk}/quarantine.xlsx",
    # the department is the route's key: the department user may push only its own (ROLES: medical_insurance)
    "api:push_batch": lambda pk: "/api/v1/feeds/medical_insurance/batches",
}


@pytest.mark.parametrize("role", [*sorted(ROLES), "other department"])
def test_feed_routes_by_role(client: Client, role: str) -> None:
    from zhenxing.feeds.models import FeedBatch

    batch = FeedBatch.objects.create(department="medical_insurance", checksum="0" * 64, source="api")
    user = (
        make_user(Role.DEPARTMENT, department="education") if role == "other department" else ROLES[role][0]()
    )
    client.force_login(user)
    own = role == "department"  # ROLES makes the medical_insurance department user
    for url in (FEED_ROUTES["feeds:batch"](batch.pk), FEED_ROUTES["feeds:quarantine"](batch.pk)):
        assert client.get(url).status_code == (200 if own else 404), f"{role} {url}"
    pushed = client.post(
        FEED_ROUTES["api:push_batch"](batch.pk),
        {"records": [{"id_number": "11010519491231002X", "disease_class": "x"}]},
        content_type="application/json",
    )
    assert pushed.status_code == (201 if own else 404)


def test_api_key_pushes_only_for_its_department(client: Client) -> None:
    from zhenxing.accounts import services as accounts

    admin = make_user(Role.ADMIN)
    _, raw = accounts.api_key_create(actor=admin, department="health", name="卫健委")
    body = {"records": [{"id_number": "11010519491231002X", "disease_class": "大病", "date": "2025-05-01"}]}
    ok = client.post(
        "/api/v1/feeds/health/batches", body, content_type="application/json", HTTP_X_API_KEY=raw
    )
    assert ok.status_code == 201
    assert ok.json()["unmatched"] == 1
    again = client.post(
        "/api/v1/feeds/health/batches", body, content_type="application/json", HTTP_X_API_KEY=raw
    )
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    assert (
        client.post(
            "/api/v1/feeds/education/batches", body, content_type="application/json", HTTP_X_API_KEY=raw
        ).status_code
        == 404
    )


# route name -> (method, URL from the ids test_case_routes_by_role makes); "sync" is the phones' JSON endpoint
CASE_ROUTES: dict[str, tuple[str, Callable[[dict[str, int]], str]]] = {
    "monitoring:case": ("get", lambda ids: f"/cases/{ids['case']}/"),
    "monitoring:notice": ("get", lambda ids: f"/cases/notices/{ids['notice']}/"),
    "monitoring:notice_print": ("get", lambda ids: f"/cases/notices/{ids['notice']}/print/"),
    "monitoring:notice_pdf": ("get", lambda ids: f"/cases/notices/{ids['notice']}/pdf/"),
    "monitoring:attachment": ("get", lambda ids: f"/cases/attachments/{ids['attachment']}/"),
    "monitoring:trace": ("get", lambda ids: f"/cases/trace/{ids['household']}/"),
    "monitoring:trace_export": ("get", lambda ids: f"/cases/trace/{ids['household']}.xlsx"),
    "monitoring:sector": ("get", lambda ids: f"/cases/sector/{ids['household']}/"),
    "monitoring:continuing": ("get", lambda ids: f"/cases/continuing/{ids['household']}/"),
    "monitoring:move": ("post", lambda ids: f"/cases/{ids['case']}/move/"),
    "monitoring:applicant_reveal": ("post", lambda ids: f"/cases/{ids['case']}/applicant/reveal/"),
    "monitoring:link_household": ("post", lambda ids: f"/cases/{ids['case']}/household/"),
    "monitoring:visit": ("post", lambda ids: f"/cases/{ids['case']}/visits/"),
    "monitoring:meeting": ("post", lambda ids: f"/cases/{ids['case']}/meeting/"),
    "monitoring:green_channel": ("post", lambda ids: f"/cases/{ids['case']}/green-channel/"),
    "monitoring:measure": ("post", lambda ids: f"/cases/{ids['case']}/measures/"),
    "monitoring:open": ("post", lambda ids: f"/cases/new/{ids['household']}/"),
    "monitoring:notice_post": ("post", lambda ids: f"/cases/notices/{ids['notice']}/post/"),
    "monitoring:objection": ("post", lambda ids: f"/cases/notices/{ids['notice']}/objections/"),
    "monitoring:objection_resolve": ("post", lambda ids: f"/cases/objections/{ids['objection']}/resolve/"),
    "monitoring:evaluate": ("post", lambda ids: f"/cases/{ids['case']}/evaluate/"),
    "monitoring:consent": ("post", lambda ids: f"/cases/{ids['case']}/consent/"),
    "monitoring:helper": ("post", lambda ids: f"/cases/{ids['case']}/helper/"),
    "monitoring:person_item": ("post", lambda ids: f"/cases/{ids['case']}/items/"),
    "monitoring:measure_move": ("post", lambda ids: f"/cases/measures/{ids['measure']}/move/"),
    "monitoring:measure_detail": ("post", lambda ids: f"/cases/measures/{ids['measure']}/detail/"),
    "monitoring:housing_close": ("post", lambda ids: f"/cases/housing/{ids['entry']}/close/"),
    "api:visit_sync": ("sync", lambda ids: f"/api/v1/cases/{ids['case']}/visits"),
}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_case_routes_by_role(client: Client, role: str) -> None:
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from zhenxing.monitoring.models import (
        Attachment,
        Case,
        HousingLedgerEntry,
        Measure,
        Notice,
        NoticeEntry,
        Objection,
    )  # fmt: skip

    made: dict[str, dict[str, int]] = {}
    owner = make_user(Role.VILLAGE, VILLAGE)
    for code in (VILLAGE, OTHER_COUNTY_VILLAGE):
        household = make_household(code)
        case = Case.objects.create(
            household=household, village_id=code, source="cadre", status="review", opened_at=timezone.now(),
            step_started_on=datetime.date(2025, 9, 1), due=datetime.date(2025, 9, 29),
        )  # fmt: skip
        notice = Notice.objects.create(
            village_id=code, title="公示", object_to="村委会 123456", created_by=owner
        )
        NoticeEntry.objects.create(notice=notice, case=case)
        objection = Objection.objects.create(
            notice=notice,
            case=case,
            raised_by="匿名",
            content="异议",
            received_on=datetime.date(2025, 9, 2),
            recorded_by=owner,
        )
        attachment = Attachment.objects.create(
            file=ContentFile(b"%PDF-1.4", name="a.pdf"),
            kind="form",
            name="a.pdf",
            content_type="application/pdf",
            size=8,
            case=case,
        )
        measure = Measure.objects.create(
            case=case,
            category="就业帮扶",
            content="务工",
            started_on=datetime.date(2025, 9, 1),
            recorded_by=owner,
        )
        entry = HousingLedgerEntry.objects.create(
            household=household, village_id=code, grade="C", way="修缮加固", opened_on=datetime.date(2025, 9, 1),
            opened_by=owner, guarantee_years=15,
        )  # fmt: skip
        made[code] = {
            "measure": measure.pk,
            "entry": entry.pk,
            "case": case.pk,
            "household": household.pk,
            "notice": notice.pk,
            "objection": objection.pk,
            "attachment": attachment.pk,
        }  # type: ignore[dict-item]
    make, visible_codes = ROLES[role]
    if role == "admin":
        visible_codes = set()
    user = make()
    client.force_login(user)
    for code, ids in made.items():
        visible = code in visible_codes
        gets = [url(ids) for method, url in CASE_ROUTES.values() if method == "get"]
        hidden = 403 if role in ("department", "finance", "admin") else 404  # no case capability at all: 403
        for url in gets:
            assert client.get(url).status_code == (200 if visible else hidden), f"{role} {url}"
        posts = [url(ids) for method, url in CASE_ROUTES.values() if method == "post"]
        for url in posts:
            # out of scope: 404; in scope: the step's own rules answer (a redirect with a message, or 403)
            expected = {302, 403} if visible else {hidden}
            data = {"to": "township_review", "measure": ids["measure"], "completion": "已竣工验收合格"}
            assert client.post(url, data).status_code in expected, f"{role} {url}"
        # nothing out of scope was changed through those posts
        if not visible:
            assert HousingLedgerEntry.objects.get(pk=ids["entry"]).status == "open"
        sync = client.post(
            CASE_ROUTES["api:visit_sync"][1](ids),
            {"uuid": str(__import__("uuid").uuid4()), "visited_at": "2025-09-02T10:00:00Z",
             "place": "家中", "findings": "核实属实", "authorization_signed": True},
            content_type="application/json",
        )  # fmt: skip
        assert sync.status_code in (
            {201, 403} if visible else {404, 403 if role in ("department", "finance") else 404}
        ), f"{role} sync"
    if role not in ("department", "finance", "admin"):
        listed = {case.pk for case in client.get("/cases/", {"tab": "open"}).context["cases"]}
        assert listed == {ids["case"] for code, ids in made.items() if code in visible_codes}
        ledger = client.get("/cases/housing/", {"status": "all"}).context["entries"]
        assert {e.pk for e in ledger} == {ids["entry"] for code, ids in made.items() if code in visible_codes}
        for url in ("/cases/mine/", "/cases/report/", "/cases/report.xlsx"):
            assert client.get(url).status_code == 200, f"{role} {url}"
    else:
        for url in ("/cases/mine/", "/cases/report/", "/cases/report.xlsx", "/cases/housing/"):
            assert client.get(url).status_code == 403, f"{role} {url}"


# --- 民政比对 (P17): county-keyed pages, and the close form of a comparison lead ------------------------------
LOWINCOME_ROUTES: dict[str, tuple[str, Callable[[str], str]]] = {
    "monitoring:lowincome_county": ("get", lambda code: f"/cases/lowincome/{code}/"),
    "monitoring:lowincome_compare": ("post", lambda code: f"/cases/lowincome/{code}/compare/"),
    "monitoring:lowincome_export": ("post", lambda code: f"/cases/lowincome/{code}/export/"),
}
LOWINCOME_LEAD_ROUTES: dict[str, Callable[[int], str]] = {
    "monitoring:lowincome_close": lambda pk: f"/cases/lowincome/leads/{pk}/close/",
}
# county and prefecture staff compare (the county its own county); the export of ID numbers is the county's alone
LOWINCOME_COUNTIES: dict[str, set[str]] = {"county": {COUNTY}, "prefecture": {COUNTY, OTHER_COUNTY}}


def _comparison_lead(village: str) -> int:
    """A lead a 民政比对 raised for a household of `village` (the county's roster lists its head as 特困)."""
    from zhenxing.common.crypto import decrypt_id_number
    from zhenxing.feeds.services import feed_batch_ingest
    from zhenxing.monitoring.models import LowIncomeDifference
    from zhenxing.screening.models import Lead, RuleSet, ScreeningRun

    household = make_household(village)
    person = household.memberships.get(relation="户主").person  # type: ignore[attr-defined]
    county = village[:6]
    row = {
        "id_number": decrypt_id_number(bytes(person.id_number_encrypted)), "assistance": "特困",
        "county_code": county, "snapshot_date": "2026-11-30",
    }  # fmt: skip
    batch = feed_batch_ingest(department="civil_affairs", rows=[row], source="api").batch
    run = ScreeningRun.objects.create(
        year=2026, engine="civil_affairs", rule_set=RuleSet.objects.get(is_current=True), status="done",
        county_id=county,
    )  # fmt: skip
    lead = Lead.objects.create(
        household=household, grade="黄", round="2026-12", village_due=datetime.date(2026, 12, 20),
        township_due=datetime.date(2026, 12, 25), county_due=datetime.date(2026, 12, 31),
    )  # fmt: skip
    LowIncomeDifference.objects.create(
        run=run, batch=batch, county_id=county, kind="M4", household=household, person=person, category="特困",
        lead=lead, key=f"M4:{household.pk}:{person.pk}:特困",  # type: ignore[attr-defined]
    )  # fmt: skip
    return lead.pk


@pytest.mark.parametrize("role", sorted(ROLES))
def test_lowincome_routes_by_role(client: Client, role: str) -> None:
    """P17: a county compares and exports only its own county, the prefecture compares any, the others none;
    a comparison lead's close form follows the lead's scope and the capability to check leads."""
    from zhenxing.accounts.capabilities import has_capability

    leads = {village: _comparison_lead(village) for village in (VILLAGE, OTHER_COUNTY_VILLAGE)}
    make, visible_codes = ROLES[role]
    user = make()
    client.force_login(user)
    counties = LOWINCOME_COUNTIES.get(role)
    overview = client.get("/cases/lowincome/")
    assert overview.status_code == (403 if counties is None else 200), role
    for code in (COUNTY, OTHER_COUNTY):
        for name, (method, url) in LOWINCOME_ROUTES.items():
            if counties is None:
                expected = {403}
            elif code not in counties:
                expected = {404}
            elif name == "monitoring:lowincome_export":
                expected = {200} if role == "county" else {403}
            else:
                expected = {200} if method == "get" else {302}
            response = (
                client.get(url(code)) if method == "get" else client.post(url(code), {"reason": "反馈民政"})
            )
            assert response.status_code in expected, f"{role} {name} {code}: {response.status_code}"
    for village, pk in leads.items():
        visible = village in visible_codes and role != "admin"
        expected = 404 if not visible else 200 if has_capability(user, Capability.CONFIRM_LEAD) else 403
        response = client.get(LOWINCOME_LEAD_ROUTES["monitoring:lowincome_close"](pk))
        assert response.status_code == expected, f"{role} close {village}: {response.status_code}"


# --- the project library (P14): a project is seen where it was proposed and where it has a place -------------
PROJECT_ROUTES: dict[str, tuple[str, Callable[[dict[str, int]], str]]] = {
    "projects:detail": ("get", lambda ids: f"/projects/{ids['project']}/"),
    "projects:adjust": ("propose", lambda ids: f"/projects/{ids['project']}/adjust/"),
    "projects:revise": ("not_returned", lambda ids: f"/projects/{ids['project']}/revise/"),
    "projects:attachment": ("get", lambda ids: f"/projects/attachments/{ids['attachment']}/"),
    "projects:household_panel": ("get", lambda ids: f"/projects/households/{ids['household']}/panel/"),
    "projects:move": ("post", lambda ids: f"/projects/{ids['project']}/move/"),
    "projects:file_emergency": ("post", lambda ids: f"/projects/{ids['project']}/file/"),
    "api:project_detail": ("get", lambda ids: f"/api/v1/projects/{ids['project']}"),
    "api:project_move": ("api_post", lambda ids: f"/api/v1/projects/{ids['project']}/move"),
    "api:project_adjust": ("api_propose", lambda ids: f"/api/v1/projects/{ids['project']}/adjust"),
    "api:project_revise": ("api_propose", lambda ids: f"/api/v1/projects/{ids['project']}/revise"),
}


def _library_project(village: str) -> dict[str, int]:
    """A village project in the library (储备) with a 到户 household and an attachment, made directly."""
    from django.core.files.base import ContentFile

    from zhenxing.projects.models import (
        Project,
        ProjectAttachment,
        ProjectCategory,
        ProjectHousehold,
        ProjectPlace,
    )

    owner = make_user(Role.VILLAGE, village)
    category = ProjectCategory.objects.get(code="construction_roads")
    place = division(village)
    project = Project.objects.create(
        code=f"{village[:6]}20260001", name="村组道路硬化", year=2026, category=category, sector=category.sector,
        level="village", county=division(village[:6]), division=place, implementing_unit="镇人民政府",
        content="硬化道路", scale="2公里", starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 9, 1),
        total_fen=1_000_000, status="reserved", created_by=owner, to_households=True,
    )  # fmt: skip
    ProjectPlace.objects.create(project=project, village=place)
    household = make_household(village)
    ProjectHousehold.objects.create(project=project, household=household)  # type: ignore[misc]
    attachment = ProjectAttachment.objects.create(
        file=ContentFile(b"%PDF-1.4", name="a.pdf"), name="a.pdf", content_type="application/pdf", size=8,
        project=project,
    )  # fmt: skip
    return {"project": project.pk, "household": household.pk, "attachment": attachment.pk}  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", sorted(ROLES))
def test_project_routes_by_role(client: Client, role: str) -> None:
    """P14: in scope the page answers (or the step's own rules do), out of scope it is not found; roles without
    the library (a feed department, the administrator) are refused outright."""
    from zhenxing.accounts.capabilities import has_capability

    made = {village: _library_project(village) for village in (VILLAGE, OTHER_COUNTY_VILLAGE)}
    make, visible_codes = ROLES[role]
    user = make()
    client.force_login(user)
    outsider = not has_capability(user, Capability.VIEW_PROJECTS)
    for village, ids in made.items():
        visible = village in visible_codes and not outsider
        for name, (method, url) in PROJECT_ROUTES.items():
            if outsider:
                expected = {403}
            elif not visible:
                expected = {404, 403} if method == "propose" and role == "prefecture" else {404}
            elif method == "get":
                expected = {200}
            elif (
                method == "propose"
            ):  # the adjustment page answers as the detail page's link (adjust_refusal)
                from zhenxing.projects.models import Project
                from zhenxing.projects.services import adjust_refusal

                refusal = adjust_refusal(user, Project.objects.get(pk=ids["project"]))
                expected = {200} if refusal is None else {403, 409}
            elif method == "api_post":  # the workflow answers: done, refused for the role, or not yet (公示)
                expected = {200, 403, 409}
            elif method == "api_propose":  # an empty proposal: refused for the role, the status or its items
                expected = {403, 409, 422}
            elif (
                method == "not_returned"
            ):  # 退回修改's form of a project in the library: not now, or not yours
                expected = {403, 409}
            else:  # a step the role may or may not do: the workflow answers, with a message or a refusal
                expected = {302, 403}
            if method == "api_post":
                response = client.post(url(ids), {"to": "started"}, content_type="application/json")
            elif method == "api_propose":
                response = client.post(url(ids), {}, content_type="application/json")
            elif method == "post":
                response = client.post(url(ids), {"to": "started"})
            else:
                response = client.get(url(ids))
            assert response.status_code in expected, f"{role} {name} {village}: {response.status_code}"
    if not outsider:
        listed = {p.pk for p in client.get("/projects/").context["projects"]}
        assert listed == {ids["project"] for village, ids in made.items() if village in visible_codes}


# --- project announcements (P14 公告公示): a notice is seen where it is posted and below and above it -------------
NOTICE_IDS = {"notice": 1, "objection": 1}
NOTICE_ROUTES: dict[str, tuple[str, Callable[[dict[str, int]], str]]] = {
    "projects:notice_detail": ("get", lambda ids: f"/projects/notices/{ids['notice']}/"),
    "projects:notice_print": ("get", lambda ids: f"/projects/notices/{ids['notice']}/print/"),
    "projects:notice_pdf": ("pdf", lambda ids: f"/projects/notices/{ids['notice']}/pdf/"),
    "projects:notice_post": ("post", lambda ids: f"/projects/notices/{ids['notice']}/post/"),
    "projects:objection_record": ("post", lambda ids: f"/projects/notices/{ids['notice']}/objections/"),
    "projects:objection_answer": ("post", lambda ids: f"/projects/objections/{ids['objection']}/answer/"),
}


def _posted_notice(village: str) -> dict[str, int]:
    """A village's posted proposal announcement of one project, with an open objection, made directly."""
    from zhenxing.projects.models import (
        Project,
        ProjectCategory,
        ProjectNotice,
        ProjectNoticeEntry,
        ProjectObjection,
        ProjectPlace,
    )

    owner = make_user(Role.VILLAGE, village)
    category = ProjectCategory.objects.get(code="construction_roads")
    place = division(village)
    project = Project.objects.create(
        code=f"{village[:6]}20269001", name="村组道路硬化", year=2026, category=category, sector=category.sector,
        level="village", county=division(village[:6]), division=place, implementing_unit="镇人民政府",
        content="硬化道路", scale="2公里", starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 9, 1),
        total_fen=1_000_000, status="proposed", created_by=owner,
    )  # fmt: skip
    ProjectPlace.objects.create(project=project, village=place)
    notice = ProjectNotice.objects.create(
        kind="proposal", county=project.county, division=place, title="村级项目申报公示", object_to="村委会 123456",
        status="posted", period_days=10, posted_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 3, 10),
        created_by=owner,
    )  # fmt: skip
    ProjectNoticeEntry.objects.create(notice=notice, project=project)
    objection = ProjectObjection.objects.create(
        village=place, notice=notice, project=project, kind="objection", channel="phone", content="异议",
        raised_on=datetime.date(2026, 3, 2), recorded_by=owner,
    )  # fmt: skip
    return {"notice": notice.pk, "objection": objection.pk}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_notice_routes_by_role(client: Client, role: str) -> None:
    """P14: a project announcement and its objections answer in scope, are not found out of scope, and are
    refused outright to roles without the project library (a feed department, the administrator)."""
    from zhenxing.accounts.capabilities import has_capability
    from zhenxing.projects.models import ProjectObjection

    made = {village: _posted_notice(village) for village in (VILLAGE, OTHER_COUNTY_VILLAGE)}
    make, visible_codes = ROLES[role]
    user = make()
    client.force_login(user)
    outsider = not has_capability(user, Capability.VIEW_PROJECTS)
    for village, ids in made.items():
        visible = village in visible_codes and not outsider
        for name, (method, url) in NOTICE_ROUTES.items():
            if outsider:
                expected = {403}
            elif not visible:
                expected = {404}
            elif method == "get":
                expected = {200}
            elif method == "pdf":
                expected = {200, 503}  # 503: no CJK font on this machine (the page says so)
            else:  # the service answers: done, or a refusal shown as a message on the page returned to
                expected = {302}
            data = {
                "kind": "question",
                "channel": "phone",
                "raised_on": "2026-03-03",
                "content": "问题",
                "answer": "已答复",
            }
            response = client.get(url(ids)) if method in ("get", "pdf") else client.post(url(ids), data)
            assert response.status_code in expected, f"{role} {name} {village}: {response.status_code}"
        if not visible:  # nothing out of scope was changed through those posts
            assert ProjectObjection.objects.filter(notice_id=ids["notice"]).count() == 1
            assert ProjectObjection.objects.get(pk=ids["objection"]).status == "open"
    if not outsider:
        listed = {n.pk for n in client.get("/projects/notices/").context["notices"]}
        assert listed == {ids["notice"] for village, ids in made.items() if village in visible_codes}


LIBRARY_IMPORT_ROUTES: dict[str, tuple[str, Callable[[int], str]]] = {
    "projects:import_batch": ("get", lambda pk: f"/projects/import/{pk}/"),
    "projects:import_errors": ("get", lambda pk: f"/projects/import/{pk}/errors.xlsx"),
    "projects:import_confirm": ("post", lambda pk: f"/projects/import/{pk}/confirm/"),
}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_library_import_routes_by_role(client: Client, role: str) -> None:
    """P14: an import of a county's library workbook is seen by that county (a sector department sees its own)
    and confirmed by its uploader only; anyone else is answered 404."""
    from zhenxing.projects.imports import may_import
    from zhenxing.projects.models import LibraryImport

    owner = make_user(Role.COUNTY, COUNTY)
    batch = LibraryImport.objects.create(
        created_by=owner, county=division(COUNTY), file_name="t.xlsx", file_sha256="0" * 64, status="invalid"
    )
    make, visible_codes = ROLES[role]
    user = make()
    client.force_login(user)
    visible = COUNTY in visible_codes and may_import(user)
    for name, (method, url) in LIBRARY_IMPORT_ROUTES.items():
        if method == "get":
            assert client.get(url(batch.pk)).status_code == (200 if visible else 404), f"{role} {name}"
    confirm = client.post(LIBRARY_IMPORT_ROUTES["projects:import_confirm"][1](batch.pk))
    assert confirm.status_code == (403 if visible else 404)  # only the uploader confirms
