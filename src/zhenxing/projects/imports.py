"""Importing an existing project library workbook (P14; the layout of projects/workbook.py): stage (every row
checked as a proposal is, row-level Chinese errors naming the row and the column) → the uploader confirms →
applied in one transaction, all rows or none.

Decisions, documented here once:
- Who: a county user (县乡村振兴局) or a county sector department, for their own county; every row must be in
  their scope (check_proposal), a sector's rows in its own categories.
- What a row becomes: an existing library's project was approved before this system, so a row whose 状态 is a
  library state (储备/开工/在建/竣工/验收/资产移交; empty means 储备) enters at that state with its 审定日期
  (services.project_import_row; transitions.IMPORT_ENTRY_STATES), recorded as a step 导入 and audited. A row
  at another state (in approval, 出库, 已调整, 已撤销) is not imported and the preview says so: proposals are
  made in the system, where they are announced and reviewed.
- Idempotence: a row whose 项目编号 is already one of the user's projects is left unchanged; without such a
  number, a row is the same project as a current one of the county with the same year, name and
  administrative villages (the natural key), and is left unchanged too. A number in this system's format
  (county code + year + 4 digits) not yet used is kept (given to another project by the time the batch is
  confirmed, the next one); another number is replaced by the next one.
- 到户 projects cannot come in: the workbook names no household (P17), and P14 wants their households listed;
  such a row is refused with a message to propose it in the system.
- Size: synchronous, at most MAX_ROWS rows a file (a county's library is a few hundred projects a year; a bigger
  file is refused whole with a message to split it, e.g. by year)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.audit import services as audit
from zhenxing.common import clock
from zhenxing.common.errors import Conflict, ErrorDetail, InvalidInput, PermissionDenied, not_found
from zhenxing.common.workflow import Move, Workflow
from zhenxing.divisions.models import Division
from zhenxing.projects import services
from zhenxing.projects.entry import check_proposal
from zhenxing.projects.enums import FundSource, ProjectLevel, ProjectStatus, TargetKind
from zhenxing.projects.models import (
    LibraryImport,
    LibraryImportRow,
    LibraryImportStatus,
    Project,
    ProjectCategory,
    ProjectPlace,
)
from zhenxing.projects.selectors import project_list_for_user
from zhenxing.projects.transitions import IMPORT_ENTRY_STATES
from zhenxing.projects.workbook import (
    BY_KEY,
    NOT_CURRENT,
    TARGET_KEYS,
    LibrarySheet,
    read_library,
)
from zhenxing.projects.workbook_rows import Places, parse_row, payload_of, row_of
from zhenxing.transfer.reading import WorkbookError

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

MAX_ROWS = (
    1000  # synchronous: about 30 s for a full file; a county's library is a few hundred projects a year
)
MAX_LISTED_PROBLEMS = 3000
S = LibraryImportStatus
# an import batch's one move: its uploader confirms it (the job of staging sets invalid or validated at creation)
LIBRARY_IMPORT = Workflow(
    name="项目库导入", labels=dict(LibraryImportStatus.choices), role_labels={},
    moves=[Move(S.VALIDATED, S.DONE, None, "确认导入")],
    conflict_message="该批次当前为“{source}”，不能再确认导入",
)  # fmt: skip

# where check_proposal's problems (ErrorDetail.loc[0]) sit in the workbook
COLUMN_OF_FIELD = {
    "name": "name", "year": "year", "category": "category", "level": "level", "places": "village",
    "implementing_unit": "unit", "content": "content", "scale": "scale", "starts_on": "starts_on",
    "ends_on": "ends_on", "total": "total", "linkage_mechanisms": "linkage", "linked_tuopin_people": "linked_tuopin",
    "linked_monitoring_people": "linked_monitoring", "households": "to_households", "emergency": "emergency",
    "emergency_kind": "emergency_kind", "emergency_reason": "emergency_reason",
}  # fmt: skip
SOURCES_HEADER = "各资金来源（万元）"


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Checked:
    staged: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0


def may_import(user: User) -> bool:
    return (
        user.role in (Role.COUNTY, Role.COUNTY_SECTOR)
        and has_capability(user, Capability.PROPOSE_PROJECT)
        and user.jurisdiction is not None
    )


def _header_of(loc: tuple[str | int, ...]) -> str:
    first = str(loc[0]) if loc else ""
    if first == "sources":
        if len(loc) > 1 and str(loc[1]) in FundSource.values:
            return BY_KEY[f"source:{loc[1]}"].header
        return SOURCES_HEADER
    if first == "targets":
        kind = str(loc[1]) if len(loc) > 1 else TargetKind.OUTPUT
        return BY_KEY[TARGET_KEYS.get(kind, TARGET_KEYS[TargetKind.OUTPUT])].header
    return BY_KEY[COLUMN_OF_FIELD.get(first, "name")].header


def _message(detail: ErrorDetail) -> str:
    if detail.loc and detail.loc[0] == "households":
        return f"{detail.message}（表格不含农户信息：到户项目请在系统中申报并逐户列出）"
    return detail.message


def _cell_problems(details: list[ErrorDetail]) -> list[tuple[str, str]]:
    """check_proposal's problems by column; a bare "please fill in" for a column that has a more precise
    problem (a village out of scope leaves the project without a place) is left out."""
    by_header = [(_header_of(d.loc), d) for d in details]
    precise = {header for header, d in by_header if d.code != "required"}
    return [(h, _message(d)) for h, d in by_header if d.code != "required" or h not in precise]


def _natural_key(year: int | None, name: str, codes: list[str]) -> tuple[int | None, str, frozenset[str]]:
    return (year, name.strip(), frozenset(codes))


def _existing(actor: User) -> tuple[set[str], dict[tuple[int | None, str, frozenset[str]], str]]:
    """The user's current projects in their county: their numbers, and their natural keys."""
    mine: QuerySet[Any] = project_list_for_user(user=actor).filter(county=_county_of(actor))
    codes = set(mine.values_list("code", flat=True))
    current = mine.exclude(status__in=NOT_CURRENT)
    villages: dict[int, list[str]] = {}
    for project_id, code in ProjectPlace.objects.filter(project__in=current).values_list(
        "project_id", "village__code"
    ):
        villages.setdefault(project_id, []).append(code)
    keys = {
        _natural_key(year, name, villages.get(pk, [])): code
        for pk, year, name, code in current.values_list("pk", "year", "name", "code")
    }
    return codes, keys


def _county_of(actor: User) -> Division:
    assert actor.jurisdiction is not None
    return actor.jurisdiction


def _own_code(code: str, county: Division, year: int | None) -> bool:
    return bool(year) and re.fullmatch(rf"{county.code}{year}\d{{4}}", code) is not None


def validate(*, actor: User, sheet: LibrarySheet) -> Checked:
    """Every row checked (nothing is written): a row's problems, each with its row and column in Chinese."""
    result = Checked()
    county = _county_of(actor)
    places = Places(county)
    categories = list(ProjectCategory.objects.select_related("sector"))
    codes, keys = _existing(actor)
    seen_codes: dict[str, int] = {}
    seen_keys: dict[tuple[int | None, str, frozenset[str]], int] = {}
    for number, cells in sheet.rows:
        problems: list[Problem] = []
        failed: set[str] = set()

        def fail(
            key: str, message: str, number: int = number, problems: list[Problem] = problems,
            failed: set[str] = failed,
        ) -> None:  # fmt: skip
            failed.add(BY_KEY[key].header)
            problems.append(Problem(number, BY_KEY[key].header, message))

        row = parse_row(cells, places, categories, fail)
        if row.status not in IMPORT_ENTRY_STATES:
            result.skipped += 1
            label = ProjectStatus(row.status).label
            result.warnings.append(Problem(number, BY_KEY["status"].header,
                                           f"状态为“{label}”，不是在库状态，未导入（审批中的项目请在系统中申报）"))  # fmt: skip
            continue
        key = _natural_key(row.data.year, row.data.name, [code for code, _ in row.data.places])
        if (row.code and row.code in codes) or key in keys:
            result.unchanged += 1  # already in the library: the same workbook imported again
            continue
        if row.code and Project.objects.filter(code=row.code).exists():
            fail("code", f"项目编号 {row.code} 已被其他项目使用（不在您的管辖范围内），请核对或清空后导入")
        first = seen_codes.setdefault(row.code, number) if row.code else number
        if first != number:
            fail("code", f"与第{first}行的项目编号重复")
        first = seen_keys.setdefault(key, number)
        if first != number:
            fail("name", f"与第{first}行是同一项目（年度、名称和行政村相同）")
        try:
            checked = check_proposal(actor=actor, data=row.data, level=row.level or None)
        except InvalidInput as error:
            for header, message in _cell_problems(error.details):
                if header not in failed:
                    problems.append(Problem(number, header, message))
        else:
            if problem := services.sector_problem(actor, checked.category):
                fail("category", problem)
        if not row.level and "项目层级" not in failed:
            fail("level", f"请填写项目层级（{'、'.join(ProjectLevel.labels)}）")
        if row.decided_on is None and BY_KEY["decided_on"].header not in failed:
            fail("decided_on", "在库项目须填写审定日期（导入的是本系统之前已审定的项目）")
        elif row.decided_on is not None and row.decided_on > clock.today():
            fail("decided_on", "审定日期不能晚于今天")
        if problems:
            result.errors.extend(problems)
            continue
        if row.code and not _own_code(row.code, county, row.data.year):
            result.warnings.append(Problem(number, BY_KEY["code"].header,
                f"“{row.code}”不是本系统的项目编号格式（县区划代码+年度+4位序号），导入时重新编号"))  # fmt: skip
            row.code = ""
        result.staged.append((number, payload_of(row)))
    return result


# --- services ---


def library_import_stage(*, actor: User, file_name: str, data: bytes) -> LibraryImport:
    """Check every row of an uploaded library workbook and keep the valid rows staged; nothing enters the
    library until the uploader confirms (library_import_confirm)."""
    if not may_import(actor):
        raise PermissionDenied("项目库表格由县(市)或县(市)行业部门导入")
    try:
        sheet = read_library(data, max_bytes=settings.ZHENXING_IMPORT_MAX_BYTES, max_rows=MAX_ROWS)
    except WorkbookError as error:
        raise InvalidInput([ErrorDetail(("file",), "bad_file", str(error))]) from error
    result = validate(actor=actor, sheet=sheet)
    valid = not result.errors  # a file whose every project is in the library already: nothing to add
    with transaction.atomic():
        batch = LibraryImport.objects.create(
            created_by=actor, county=_county_of(actor), file_name=file_name[:200],
            file_sha256=hashlib.sha256(data).hexdigest(), status=S.VALIDATED if valid else S.INVALID,
            rows=len(sheet.rows), errors=[p.as_dict() for p in result.errors[:MAX_LISTED_PROBLEMS]],
            warnings=[p.as_dict() for p in result.warnings[:MAX_LISTED_PROBLEMS]],
            summary={"to_add": len(result.staged), "unchanged_rows": result.unchanged, "skipped": result.skipped,
                     "error_count": len(result.errors), "warning_count": len(result.warnings)},
        )  # fmt: skip
        if valid:
            LibraryImportRow.objects.bulk_create(
                [LibraryImportRow(batch=batch, row_number=n, payload=p) for n, p in result.staged]
            )
        audit.record(
            actor=actor, action="project_import.stage", target=batch, division=batch.county,
            new={"file": batch.file_name, "status": batch.status, "rows": batch.rows, **batch.summary},
        )  # fmt: skip
    return batch


def library_import_confirm(*, actor: User, batch: LibraryImport) -> LibraryImport:
    """Apply a staged batch: every row enters the library in one transaction, or none does (the first row that
    no longer passes — the library or the user's scope changed since — refuses the whole batch)."""
    if batch.created_by_id != actor.pk:
        raise PermissionDenied("只有上传人可以确认导入")
    with transaction.atomic():
        locked = LibraryImport.objects.select_for_update().get(pk=batch.pk)
        old = locked.status
        LIBRARY_IMPORT.assign(locked, to=S.DONE)
        _, keys = _existing(actor)
        added = unchanged = 0
        for staged in locked.staged.order_by("row_number"):
            row = row_of(staged.payload)
            key = _natural_key(row.data.year, row.data.name, [code for code, _ in row.data.places])
            if key in keys:
                unchanged += 1  # entered since the preview (the same file confirmed twice)
                continue
            assert row.decided_on is not None
            if row.code and Project.objects.filter(code=row.code).exists():
                row.code = ""  # the number was given to another project since the preview: the next one
            try:
                project = services.project_import_row(
                    actor=actor, data=row.data, level=row.level, status=row.status, decided_on=row.decided_on,
                    code=row.code, source=f"项目库导入：{locked.file_name} 第{staged.row_number}行",
                )  # fmt: skip
            except (InvalidInput, Conflict) as error:
                raise Conflict(
                    f"第{staged.row_number}行：{error.message}。导入未完成，项目库未改动，请修改后重新上传"
                ) from error
            keys[key] = project.code
            added += 1
        locked.summary = {**locked.summary, "added": added, "unchanged_rows": locked.summary.get(
            "unchanged_rows", 0) + unchanged}  # fmt: skip
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "summary", "finished_at"])
        locked.staged.all().delete()
        audit.record(
            actor=actor, action="project_import.commit", target=locked, division=locked.county,
            old={"status": old}, new={"status": locked.status, "added": added, "unchanged_rows": unchanged},
        )  # fmt: skip
    return locked


def library_import_list_for_user(*, user: User) -> QuerySet[LibraryImport]:
    """A county sees its county's imports; a sector department its own."""
    if not may_import(user):
        return LibraryImport.objects.none()
    if user.role == Role.COUNTY_SECTOR:
        return LibraryImport.objects.filter(created_by=user)
    return LibraryImport.objects.filter(county_id=user.jurisdiction_id)


def library_import_get_for_user(*, user: User, pk: int) -> LibraryImport:
    batch = (
        library_import_list_for_user(user=user).select_related("created_by", "county").filter(pk=pk).first()
    )
    if batch is None:
        raise not_found()
    return batch
