"""The feed ingest's fast paths (issue 22) decide exactly as before: each field's verdict and Chinese message
are `clean`'s, amounts are the same fen as by Decimal, the blind index is common/crypto's; a batch of many
rows with repeated people is matched, audited, and pushed twice is stored once, records never rewritten."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest

from zhenxing.audit.models import AuditEvent
from zhenxing.common.crypto import id_number_index
from zhenxing.feeds.adapters import ADAPTERS
from zhenxing.feeds.models import FeedBatch, FeedRecord, QuarantinedRow
from zhenxing.feeds.parsing import _money_fen, clean, clean_rows
from zhenxing.feeds.services import _IdIndex, feed_batch_ingest
from zhenxing.registry.models import Person

from ..conftest import VILLAGE
from ..factories import id_number_for, make_household

GOOD = id_number_for("532926", datetime.date(1975, 3, 8), 11)
ROWS: list[dict[str, Any]] = [
    {"id_number": GOOD, "period": "2025-03-01", "total_cost": "20.5", "reimbursed": "1", "out_of_pocket": "12.34", "insured": "是"},
    {"id_number": GOOD, "period": "2025-03-01", "total_cost": "", "reimbursed": None, "out_of_pocket": "0012.5", "insured": "否"},
    {"id_number": GOOD[:17] + "0", "period": "2025-13-01", "out_of_pocket": "-1", "insured": "也许"},
    {"id_number": "", "period": "2025-03-01", "out_of_pocket": "1", "insured": True},
    {"id_number": GOOD, "period": datetime.date(2025, 4, 1), "out_of_pocket": 3.0, "insured": 1},
    {"id_number": [GOOD], "period": "2025-03", "out_of_pocket": "1e3", "insured": "1"},
    {"id_number": GOOD, "period": "2025-03-01", "out_of_pocket": "1.005", "insured": "true", "total_cost": "100000000.01"},
]  # fmt: skip


def _one_by_one(row: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The rule, field by field, as feeds/parsing.clean states it."""
    adapter = ADAPTERS["medical_insurance"]
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for field in adapter.fields:
        try:
            values[field.name] = clean(field, row.get(field.name))
        except ValueError as error:
            problems.append((field.name, f"{field.label}：{error}"))
    if not problems and not any(values.get(key) for key in adapter.keys):
        problems.append(("", "缺少用于匹配的字段：身份证号"))
    return values, problems


def test_rows_judged_by_column_get_each_fields_own_verdict_and_message() -> None:
    # when the rows are cleaned together
    together = clean_rows(ADAPTERS["medical_insurance"], ROWS)
    # then each row is what cleaning it alone gives, errors in Chinese naming the field
    assert together == [_one_by_one(row) for row in ROWS]
    assert together[2][1][0][1].startswith("身份证号：")
    assert together[3][1] == [("", "缺少用于匹配的字段：身份证号")]


def _by_decimal(text: str) -> int | None:
    """The amount rule as written before the fast path: Decimal, finite, 0 to 1亿元, two decimals at most."""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite() or not 0 <= amount <= 100_000_000 or amount != amount.quantize(Decimal("0.01")):
        return None
    return int(amount * 100)


@pytest.mark.parametrize(
    "text",
    ["0", "12", "12.5", "12.50", "0012.05", "99999999.99", "100000000", "7.1", "1.005", "-1", "1e3", "NaN",
     "100000000.01", "１２", "+5", "12."],
)  # fmt: skip
def test_an_amount_is_the_same_fen_or_the_same_refusal_as_by_decimal(text: str) -> None:
    expected = _by_decimal(text)
    if expected is None:
        with pytest.raises(ValueError, match="金额"):
            _money_fen(text)
    else:
        assert _money_fen(text) == expected


def test_the_batch_index_is_the_blind_index() -> None:
    index_of = _IdIndex()
    assert index_of(GOOD) == id_number_index(GOOD) == index_of(GOOD)


@pytest.mark.django_db
def test_a_large_batch_with_repeated_people_is_matched_audited_and_stored_once() -> None:
    # given a household and 3,000 settlements of its two people, and 10 rows of an unknown person
    household: Any = make_household(VILLAGE)
    people = [
        p.id_number_index for p in Person.objects.filter(memberships__household=household).order_by("id")
    ]
    numbers = [id_number_for(VILLAGE[:6], datetime.date(1975, 3, 8), 13), id_number_for(VILLAGE[:6], datetime.date(1978, 6, 1), 14)]  # fmt: skip
    numbers = [n for n in numbers if id_number_index(n) in people] or numbers
    stranger = id_number_for("532901", datetime.date(1960, 1, 1), 999)
    rows = [
        {"id_number": numbers[i % len(numbers)], "period": f"2025-{1 + i % 12:02d}-01", "out_of_pocket": f"{i % 97}.5", "insured": "是"}
        for i in range(3000)
    ] + [{"id_number": stranger, "period": "2025-01-01", "out_of_pocket": "1", "insured": "是"}] * 10 + [
        {"id_number": "123", "period": "2025-01-01", "out_of_pocket": "1", "insured": "是"}
    ]  # fmt: skip
    # when it is pushed twice
    first = feed_batch_ingest(department="medical_insurance", rows=rows, source="api")
    again = feed_batch_ingest(department="medical_insurance", rows=rows, source="api")
    # then it is stored once: the matched rows kept, the stranger counted, the bad row quarantined in Chinese
    assert first.created and not again.created and again.batch.pk == first.batch.pk
    batch = FeedBatch.objects.get()
    assert (batch.rows, batch.quarantined) == (3011, 1)
    assert batch.accepted + batch.unmatched == 3010
    records = FeedRecord.objects.filter(batch=batch)
    assert records.count() == batch.accepted
    if batch.accepted:
        assert set(records.values_list("household_id", flat=True)) == {household.pk}
        assert records.order_by("row_number").first().amount_fen == 50  # type: ignore[union-attr]
    bad = QuarantinedRow.objects.get(batch=batch)
    assert bad.row_number == 3011 and bad.reason.startswith("身份证号：")
    # and audited once, with no ID number in plain text anywhere it wrote
    event = AuditEvent.objects.get(action="feed.ingest")
    text = str(event.new_values) + bad.reason
    assert all(number not in text for number in [*numbers, stranger])
    assert (event.new_values or {})["accepted"] == batch.accepted
