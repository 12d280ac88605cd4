"""Importing the asset register counties already keep (P15; the layout of assets/workbook.py, the template at
/assets/import/template.xlsx): stage (every row checked, each problem with its row and column in Chinese) → the
uploader confirms → applied in one transaction, all rows or none.

Decisions, documented here once:
- Who: MANAGE_ASSETS — a county's 乡村振兴局, or a county sector department for the asset types its sector
  supervises (谁主管、谁负责), both for their own county.
- What a row becomes: an older asset entered with its document (services.asset_enter_legacy, audited
  asset.enter), status 已登记; a row that states its 确权 (owner kind, owner, document, date) is then confirmed
  (services.asset_confirm), and one that states its 移交 (date, receiver; care unit and person if known) handed
  over (services.asset_hand_over) — by the uploader, through the asset workflow, each step audited. A 到户类
  asset owned by a household cannot be confirmed from a file (the workbook names no household): the row is
  refused with a message to import it without its owner and confirm it in the system.
- How a row is checked: at upload, by workbook_rows.check_row — the same rules the services apply, without
  writing (asset_enter_legacy creates a 自然村 while it checks); at confirm, by the services themselves, row after
  row inside the one transaction: any refusal (the catalogue, the user's scope or the register changed since the
  preview) rolls every row back and says which row.
- Idempotence: a row whose 资产编号 is already in the register, or whose natural key (county, 资产名称,
  行政村, 形成依据, 形成日期) matches an asset of the county, is left unchanged and counted 已在台账 — so an
  exported register, or the same file twice, adds nothing again. A 资产编号 not in the register is not kept:
  a new asset is numbered by the system.
- Size: synchronous, at most MAX_ROWS rows a file; a bigger file is refused whole with a message to split it.
  Measured on the shared development machine (3,000 new assets): staging about 1 s; the confirm 25 s on SQLite
  and 65 s on PostgreSQL — about 11 queries a row inside asset_enter_legacy (the type, the place, the 自然村, the
  next number under the county's lock, the asset, its share, the audit); the same file again 0.4 s."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.assets import services
from zhenxing.assets.enums import ImportStatus
from zhenxing.assets.models import Asset, AssetImport, AssetImportRow
from zhenxing.assets.workbook import BY_KEY
from zhenxing.assets.workbook_rows import (
    AssetSheet,
    asset_input_of,
    catalogue_of,
    check_row,
    handover_of,
    key_of,
    natural_key,
    owner_input_of,
    read_assets,
    text,
)
from zhenxing.audit import services as audit
from zhenxing.common.errors import (
    Conflict,
    DomainError,
    ErrorDetail,
    InvalidInput,
    PermissionDenied,
    not_found,
)
from zhenxing.common.workflow import Move, Workflow
from zhenxing.divisions.models import Division
from zhenxing.projects.imports import Problem  # a row's problem, as the library's import reports it
from zhenxing.transfer.reading import WorkbookError

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

MAX_ROWS = 3000
MAX_LISTED_PROBLEMS = 3000
S = ImportStatus
# a batch's one move: its uploader confirms it (staging sets staged or failed at creation)
ASSET_IMPORT = Workflow(
    name="资产台账导入", labels=dict(ImportStatus.choices), role_labels={},
    moves=[Move(S.STAGED, S.COMMITTED, None, "确认导入")],
    conflict_message="该批次当前为“{source}”，不能再确认导入",
)  # fmt: skip
# where a service's problem (ErrorDetail.loc[0]) sits in the workbook
COLUMN_OF_FIELD = {
    "name": "name", "asset_type_code": "type", "quantity": "quantity", "division_code": "village",
    "natural_village": "natural", "value": "value", "form": "form", "equity_exit_method": "exit_method",
    "source_document": "document", "formed_on": "formed_on", "legacy_source": "sources",
    "owner_name": "owner_name", "ownership_document": "owner_document", "owned_on": "owned_on",
    "receiver": "receiver", "handed_over_on": "handed_over_on", "care_unit": "care_unit",
    "care_person": "care_person",
}  # fmt: skip


@dataclass
class Checked:
    staged: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    unchanged: int = 0


def may_import(user: User) -> bool:
    return (
        user.role in (Role.COUNTY, Role.COUNTY_SECTOR)
        and has_capability(user, Capability.MANAGE_ASSETS)
        and user.jurisdiction is not None
    )


def _county_of(actor: User) -> Division:
    assert actor.jurisdiction is not None
    return actor.jurisdiction


def _existing(county: Division, codes: set[str]) -> tuple[set[str], set[tuple[str, str, str, str]]]:
    """The codes of the file already in the register, and the natural keys of the county's assets."""
    known = set(Asset.objects.filter(code__in=codes).values_list("code", flat=True)) if codes else set()
    keys = {
        natural_key(name, division, document, formed_on.isoformat())
        for name, division, document, formed_on in Asset.objects.filter(county=county).values_list(
            "name", "division__code", "source_document", "formed_on"
        )
    }
    return known, keys


def validate(*, actor: User, sheet: AssetSheet) -> Checked:
    """Every row checked (nothing is written): a row's problems, each with its row and column in Chinese."""
    result = Checked()
    county = _county_of(actor)
    book = catalogue_of(county)
    known, keys = _existing(county, {text(cells.get("code")) for _, cells in sheet.rows} - {""})
    seen: dict[tuple[str, str, str, str], int] = {}
    for number, cells in sheet.rows:
        if text(cells.get("code")) in known:
            result.unchanged += 1  # already in the register (an exported register imported again)
            continue
        problems: list[Problem] = []
        failed: set[str] = set()

        def fail(key: str, message: str, number: int = number, problems: list[Problem] = problems,
                 failed: set[str] = failed) -> None:  # fmt: skip
            if BY_KEY[key].header not in failed:  # the first problem of a cell: the one to fix
                failed.add(BY_KEY[key].header)
                problems.append(Problem(number, BY_KEY[key].header, message))

        payload = check_row(cells, actor=actor, book=book, fail=fail)
        key = key_of(payload)
        if not problems and key in keys:
            result.unchanged += 1  # the same asset as one of the county's (the same file uploaded again)
            continue
        first = seen.setdefault(key, number)
        if first != number:
            fail("name", f"与第{first}行是同一资产（资产名称、行政村、形成依据和形成日期相同）")
        if problems:
            result.errors.extend(problems)
        else:
            result.staged.append((number, payload))
    return result


# --- services ---


def asset_import_stage(*, actor: User, file_name: str, data: bytes) -> AssetImport:
    """Check every row of an uploaded register workbook and keep the valid rows staged; nothing enters the
    register until the uploader confirms (asset_import_confirm). A file with any wrong row stages nothing."""
    if not may_import(actor):
        raise PermissionDenied("资产台账由县乡村振兴局或县行业主管部门导入")
    try:
        sheet = read_assets(data, max_bytes=settings.ZHENXING_IMPORT_MAX_BYTES, max_rows=MAX_ROWS)
    except WorkbookError as error:
        raise InvalidInput([ErrorDetail(("file",), "bad_file", str(error))]) from error
    result = validate(actor=actor, sheet=sheet)
    valid = not result.errors
    with transaction.atomic():
        batch = AssetImport.objects.create(
            created_by=actor, county=_county_of(actor), file_name=file_name[:200],
            file_sha256=hashlib.sha256(data).hexdigest(), status=S.STAGED if valid else S.FAILED,
            rows=len(sheet.rows), errors=[p.as_dict() for p in result.errors[:MAX_LISTED_PROBLEMS]],
            summary={"to_add": len(result.staged) if valid else 0, "unchanged_rows": result.unchanged,
                     "error_count": len(result.errors),
                     "error_rows": len({p.row for p in result.errors})},
        )  # fmt: skip
        if valid:
            AssetImportRow.objects.bulk_create(
                [AssetImportRow(batch=batch, row_number=n, payload=p) for n, p in result.staged]
            )
        # the upload is recorded under the import's action, its status telling staged or failed from committed
        audit.record(
            actor=actor, action="asset.import", target=batch, division=batch.county,
            new={"status": batch.status, "file": batch.file_name, "rows": batch.rows,
                 **{key: batch.summary[key] for key in ("to_add", "unchanged_rows", "error_count")}},
        )  # fmt: skip
    return batch


def _column_of(error: DomainError) -> str:
    details = error.errors() if isinstance(error, InvalidInput) else []
    first = str(details[0].loc[0]) if details and details[0].loc else ""
    return BY_KEY[COLUMN_OF_FIELD.get(first, "name")].header


def _apply(actor: User, county: Division, payload: dict[str, Any]) -> Asset:
    """One row through the services the pages use: entered, then 确权 and 移交 when the row states them."""
    asset = services.asset_enter_legacy(actor=actor, data=asset_input_of(payload), county=county)
    owner = owner_input_of(payload)
    if owner is not None:
        asset = services.asset_confirm(actor=actor, asset=asset, owner=owner)
    handover = handover_of(payload)
    if handover is not None:
        on, receiver, care = handover
        asset = services.asset_hand_over(actor=actor, asset=asset, on=on, receiver=receiver, care=care)
    return asset


def asset_import_confirm(*, actor: User, batch: AssetImport) -> AssetImport:
    """Apply a staged batch: every row enters the register in one transaction, or none does (the first row a
    service refuses — the catalogue, the scope or the register changed since the preview — refuses it all)."""
    if batch.created_by_id != actor.pk:
        raise PermissionDenied("只有上传人可以确认导入")
    with transaction.atomic():
        locked = AssetImport.objects.select_for_update().select_related("county").get(pk=batch.pk)
        old = locked.status
        ASSET_IMPORT.assign(locked, to=S.COMMITTED)
        # two batches of the same rows confirmed at once: the county's row lock makes the second see the first's
        Division.objects.select_for_update().filter(pk=locked.county_id).first()
        _, keys = _existing(locked.county, set())
        added = unchanged = 0
        outcomes: Counter[str] = Counter()
        for staged in locked.staged.order_by("row_number"):
            key = key_of(staged.payload)
            if key in keys:
                unchanged += 1  # entered since the preview (the same file confirmed twice)
                continue
            try:
                asset = _apply(actor, locked.county, staged.payload)
            except DomainError as error:
                raise Conflict(
                    f"第{staged.row_number}行（{_column_of(error)}）：{error.message}。"
                    "导入未完成，资产台账未改动，请修改后重新上传"
                ) from error
            keys.add(key)
            outcomes[asset.status] += 1
            added += 1
        locked.summary = {**locked.summary, "added": added,
                          "unchanged_rows": locked.summary.get("unchanged_rows", 0) + unchanged,
                          "by_status": dict(outcomes)}  # fmt: skip
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "summary", "finished_at"])
        locked.staged.all().delete()
        audit.record(
            actor=actor, action="asset.import", target=locked, division=locked.county,
            old={"status": old},
            new={"status": locked.status, "file": locked.file_name, "rows": locked.rows, "added": added,
                 "unchanged_rows": locked.summary["unchanged_rows"]},
        )  # fmt: skip
    return locked


# --- reads ---


def asset_import_list_for_user(*, user: User) -> QuerySet[AssetImport]:
    """A county sees its county's imports; a sector department its own."""
    if not may_import(user):
        return AssetImport.objects.none()
    if user.role == Role.COUNTY_SECTOR:
        return AssetImport.objects.filter(created_by=user)
    return AssetImport.objects.filter(county_id=user.jurisdiction_id)


def asset_import_get_for_user(*, user: User, pk: int) -> AssetImport:
    batch = asset_import_list_for_user(user=user).select_related("created_by", "county").filter(pk=pk).first()
    if batch is None:
        raise not_found()
    return batch
