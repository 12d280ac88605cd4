"""What each role may do: the one table in code. Views, endpoints and services ask `has_capability`."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from zhenxing.accounts.enums import Role

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


class Capability(StrEnum):
    BROWSE_DIVISIONS = "browse_divisions"  # the division tree within the user's scope
    BROWSE_ALL_DIVISIONS = "browse_all_divisions"  # the whole tree (reference data), whatever the scope
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_API_KEYS = "manage_api_keys"
    MANAGE_PARAMETERS = "manage_parameters"
    VIEW_SENSITIVE = "view_sensitive"  # health, disability, 低保/特困, income in full
    REVEAL_ID_NUMBER = "reveal_id_number"  # unmask one ID number, with a reason, audited
    PUSH_FEEDS = "push_feeds"
    EVALUATE_POLICY = "evaluate_policy"
    VIEW_REGISTRY = "view_registry"  # households in the user's scope (territorial roles)
    EDIT_REGISTRY = "edit_registry"  # households, members, yearly income in the user's scope
    IMPORT_REGISTRY = "import_registry"  # Excel 台账 import
    # the monitoring workflows: what a role may open is the capability; which step it may do is the
    # workflow's declared role (common/workflow.py), so a page can be open to a role that no step is for
    VIEW_CASES = "view_cases"  # cases, notices, rosters, reports, the housing ledger and traces in scope
    ACT_ON_CASE = "act_on_case"  # a case's steps, visits, meetings, notices, objections, housing entries
    MANAGE_MEASURES = "manage_measures"  # a plan's measures, per-person items, evaluations, the 帮扶责任人
    CONFIRM_LEAD = "confirm_lead"  # 核实纳入 / 核实不纳入 a screening lead
    # the project library (P14): who opens it; which step each role may do is the workflow's declared role
    VIEW_PROJECTS = "view_projects"  # projects, announcements, objections and batches in scope
    PROPOSE_PROJECT = "propose_project"  # 申报 at the user's own level, adjustments
    ACT_ON_PROJECT = "act_on_project"  # approval and execution steps, announcements, objections' answers
    # linkage funds (P14): the ledger in scope; a finance bureau enters documents, splits and payments, the
    # county's 乡村振兴局 proposes splits; the prefecture reads everything (the auditors' access)
    VIEW_FUNDS = "view_funds"
    ENTER_FUNDS = "enter_funds"
    PROPOSE_SPLIT = "propose_split"
    # project assets (P15): the register in scope; the county's 乡村振兴局 and the sector departments register,
    # confirm ownership, hand over and assign care; villages, townships and the county inspect, record income,
    # run distribution plans and apply for disposals; the township enters the villages' collective income.
    # Which disposal or plan step each role does is the workflow's declared role.
    VIEW_ASSETS = "view_assets"
    MANAGE_ASSETS = "manage_assets"
    TEND_ASSETS = "tend_assets"
    ENTER_COLLECTIVE_INCOME = "enter_collective_income"
    # the plan's indicators and the county assessment (P12, P16, P11): who reads them (no personal data); who
    # reports a value (the responsible county department, a township, a county: which review step each role does
    # is the workflow's declared role); who keeps the village work teams; the prefecture's own work (targets,
    # freezing, corrections, field findings, assessments, 约谈/督办)
    VIEW_PLANNING = "view_planning"
    REPORT_INDICATOR = "report_indicator"
    MANAGE_WORK_TEAMS = "manage_work_teams"
    MANAGE_ASSESSMENT = "manage_assessment"
    # the dashboards and the county map (counts only, no personal data): the prefecture, a county, a township
    VIEW_DASHBOARDS = "view_dashboards"
    RUN_SCREENING = (
        "run_screening"  # start a screening round from the pages: a county its own, the prefecture all
    )


C = Capability
# The case capabilities keep the grants the case pages had when they asked VIEW_REGISTRY (every territorial
# role, the prefecture too: its POSTs reach the workflow, which refuses each step with its reason).
_CASE_WORK = frozenset({C.VIEW_CASES, C.ACT_ON_CASE, C.MANAGE_MEASURES})
_STAFF = frozenset({C.BROWSE_DIVISIONS, C.EVALUATE_POLICY, C.VIEW_REGISTRY, C.VIEW_SENSITIVE}) | _CASE_WORK
_CADRE = frozenset({C.EDIT_REGISTRY, C.IMPORT_REGISTRY, C.REVEAL_ID_NUMBER, C.CONFIRM_LEAD})
_PROJECTS = frozenset({C.VIEW_PROJECTS, C.PROPOSE_PROJECT, C.ACT_ON_PROJECT})
_ASSETS = frozenset({C.VIEW_ASSETS, C.TEND_ASSETS})
_PLANNING = frozenset({C.VIEW_PLANNING, C.REPORT_INDICATOR})
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.VILLAGE: _STAFF | _CADRE | _PROJECTS | _ASSETS,
    Role.TOWNSHIP: _STAFF
    | _CADRE
    | _PROJECTS
    | _ASSETS
    | _PLANNING
    | {C.ENTER_COLLECTIVE_INCOME, C.VIEW_DASHBOARDS},
    Role.COUNTY: _STAFF
    | _CADRE
    | _PROJECTS
    | _ASSETS
    | _PLANNING
    | {C.VIEW_AUDIT, C.RUN_SCREENING, C.VIEW_FUNDS, C.PROPOSE_SPLIT, C.MANAGE_ASSETS, C.MANAGE_WORK_TEAMS}
    | {C.VIEW_DASHBOARDS},
    Role.PREFECTURE: _STAFF
    | {C.VIEW_AUDIT, C.RUN_SCREENING, C.VIEW_PROJECTS, C.ACT_ON_PROJECT, C.VIEW_FUNDS, C.VIEW_ASSETS}
    | {C.VIEW_PLANNING, C.MANAGE_ASSESSMENT, C.VIEW_DASHBOARDS},
    # the money of the counties under it, and the library projects it pays; no household, no project step
    Role.FINANCE: frozenset({C.VIEW_FUNDS, C.ENTER_FUNDS}),
    Role.DEPARTMENT: frozenset({C.PUSH_FEEDS}),
    # its sector's projects in its county: review, its own county-level proposals, execution; no registry
    Role.COUNTY_SECTOR: _PROJECTS | _PLANNING | {C.VIEW_ASSETS, C.MANAGE_ASSETS},
    Role.ADMIN: frozenset(
        {
            C.BROWSE_DIVISIONS,
            C.BROWSE_ALL_DIVISIONS,
            C.MANAGE_USERS,
            C.MANAGE_API_KEYS,
            C.MANAGE_PARAMETERS,
            C.EVALUATE_POLICY,
        }
    ),
}


def capabilities_of(user: User) -> frozenset[Capability]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return ROLE_CAPABILITIES.get(user.role, frozenset())


def has_capability(user: User, capability: Capability) -> bool:
    return capability in capabilities_of(user)
