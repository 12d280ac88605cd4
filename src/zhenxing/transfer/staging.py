"""Validated rows kept until the batch is committed: a few thousand rows of one sheet to a StagedRow, by
column, sealed (transfer/uploads.seal_staged: bound to the batch and to the staged row). One AES-GCM
operation per chunk instead of one per row, and no JSON: a chunk is marshal's encoding of plain lists
(text, numbers, booleans, None, ciphertext bytes; a date as its ordinal), which is opened only after its
authentication tag was checked, so it can only be what this module sealed. Rows staged one by one as JSON
before issue 22 are read still (a batch confirmed across the upgrade).
"""

from __future__ import annotations

import base64
import datetime
import itertools
import json
import marshal
from typing import Any

from zhenxing.common.bulk import allocate_ids, insert_model_rows
from zhenxing.transfer import uploads
from zhenxing.transfer.models import ImportBatch, StagedRow

CHUNK_ROWS = 5000
_FORMAT = b"zhenxing-staged-columns-1\n"
_CIPHERS = ("id_cipher", "phone_cipher", "contact_phone_cipher")
Rows = list[tuple[int, dict[str, Any]]]


def _chunk(rows: Rows) -> bytes:
    fields = list(rows[0][1])
    columns = [[record[name] for _, record in rows] for name in fields]
    # a column is of one kind (validation cleaned it): its first value says whether it holds dates
    dates = [position for position, values in enumerate(columns) if isinstance(values[0], datetime.date)]
    for position in dates:
        columns[position] = [value.toordinal() if value is not None else None for value in columns[position]]
    return _FORMAT + marshal.dumps(([row for row, _ in rows], fields, dates, columns))


def stage_rows(batch: ImportBatch, members: Rows, years: Rows) -> None:
    """Write the batch's valid rows (member and year records in file order), sealed a chunk at a time."""
    chunks = [
        (sheet, rows[start : start + CHUNK_ROWS])
        for sheet, rows in (("member", members), ("year", years))
        for start in range(0, len(rows), CHUNK_ROWS)
    ]
    ids = allocate_ids(StagedRow._meta.db_table, len(chunks))
    insert_model_rows(
        StagedRow,
        [
            (pk, batch.pk, sheet, rows[0][0], uploads.seal_staged(_chunk(rows), batch_id=batch.pk, row_id=pk))
            for pk, (sheet, rows) in zip(ids, chunks, strict=True)
        ],
    )


def _legacy(record: dict[str, Any]) -> dict[str, Any]:
    """A row staged alone as JSON: ciphertexts in base64, the birth date in ISO form."""
    for name in _CIPHERS:
        if isinstance(record.get(name), str):
            record[name] = base64.b64decode(record[name])
    if isinstance(record.get("birth_date"), str):
        record["birth_date"] = datetime.date.fromisoformat(record["birth_date"])
    return record


def _opened(pk: int, row_number: int, sealed: bytes, batch_id: int) -> list[tuple[int, dict[str, Any]]]:
    text = uploads.unseal_staged(sealed, batch_id=batch_id, row_id=pk)
    if not text.startswith(_FORMAT):
        return [(row_number, _legacy(json.loads(text)))]
    # the tag was checked (unseal_staged): only what stage_rows sealed under our key reaches marshal
    numbers, fields, dates, columns = marshal.loads(text[len(_FORMAT) :])  # noqa: S302
    for position in dates:
        columns[position] = [
            datetime.date.fromordinal(value) if value is not None else None for value in columns[position]
        ]
    records = map(dict, map(zip, itertools.repeat(fields), zip(*columns, strict=True)))
    return list(zip(numbers, records, strict=True))


def staged_records(batch: ImportBatch) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The batch's staged (member, year) records, unsealed, each in row order."""
    result: dict[str, list[dict[str, Any]]] = {"member": [], "year": []}
    for sheet, row in staged_payloads(batch):
        result[sheet].append(row)
    return result["member"], result["year"]


def staged_payloads(batch: ImportBatch) -> list[tuple[str, dict[str, Any]]]:
    """(sheet, row) of a batch's staged rows, unsealed, in sheet and row order."""
    chunks = (
        StagedRow.objects.filter(batch=batch)
        .order_by("sheet", "row_number")
        .values_list("pk", "sheet", "row_number", "sealed")
    )
    return [
        (sheet, record)
        for pk, sheet, row_number, sealed in chunks
        for _, record in _opened(pk, row_number, bytes(sealed), batch.pk)
    ]
