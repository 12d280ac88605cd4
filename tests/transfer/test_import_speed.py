"""Issue 22: the import validates by column and seals in one pass. What it produces must be what the cell-by-cell
path and common/crypto produce: the same cleaned values and Chinese messages, the same stored cipher format."""

from __future__ import annotations

import datetime

import pytest

from zhenxing.common.crypto import decrypt_id_number, decrypt_phone, id_number_index, mask_id_number
from zhenxing.registry.layout import MEMBER_COLUMNS, YEAR_COLUMNS
from zhenxing.transfer import sealing
from zhenxing.transfer.validation import CellError, clean_cell, clean_column

COLUMNS = {column.field: column for column in (*MEMBER_COLUMNS, *YEAR_COLUMNS)}
CELLS = [
    None, "", " 是 ", "否", True, False, 1, 1.0, 0, 0.0, "1", 2.5, "abc", "'=1+1", "a\x00b", "  文本  ",
    datetime.datetime(1980, 1, 2), datetime.date(1980, 1, 2), "健康、残疾", "残疾,健康", "13", -1, 12, 13.0,
]  # fmt: skip


def _one_by_one(field: str) -> list[object]:
    result: list[object] = []
    for cell in CELLS:
        try:
            result.append(clean_cell(COLUMNS[field], cell))
        except CellError as error:
            result.append(f"error: {error}")
    return result


@pytest.mark.parametrize(
    "field",
    [
        "name",
        "sex",
        "birth_date",
        "health",
        "disability_category",
        "out_of_school",
        "wage",
        "water_quality_ok",
    ],
)
def test_a_column_cleaned_at_once_is_cleaned_as_cell_by_cell(field: str) -> None:
    # given cells of every kind, among them TRUE next to 1 (equal as dictionary keys) and a NUL
    # when the column is cleaned at once
    cleaned, wrong = clean_column(COLUMNS[field], CELLS)
    # then each value, and each message, is the one clean_cell gives that cell
    as_one = [f"error: {value}" if isinstance(value, CellError) else value for value in cleaned]
    assert as_one == _one_by_one(field)
    assert [index for index, _ in wrong] == [
        i for i, value in enumerate(as_one) if str(value).startswith("error")
    ]


def test_a_text_column_without_blanks_takes_the_short_way_with_the_same_result() -> None:
    cells = [" 张三 ", "李四", "王五\t"]
    assert clean_column(COLUMNS["name"], cells) == (["张三", "李四", "王五"], [])
    _, wrong = clean_column(COLUMNS["name"], [*cells, "  "])
    assert wrong == [(3, "必填，不能为空")]


def test_ids_and_phones_sealed_in_one_pass_open_like_any_other() -> None:
    # given two ID numbers and two phones, one of them empty
    numbers = ["53292619800102001X", "532926198001020028"]
    # when they are sealed in one pass
    ciphers, indexes, masks = sealing.protect_ids(numbers)
    phone_ciphers, phone_masks = sealing.seal_phones(["13800000000", ""])
    # then each opens with common/crypto, and the blind index and mask are its own
    assert [decrypt_id_number(cipher) for cipher in ciphers] == numbers
    assert indexes == [id_number_index(number) for number in numbers]
    assert masks == [mask_id_number(number) for number in numbers]
    assert len(set(ciphers)) == 2 and ciphers[0][17:] != ciphers[1][17:]  # a nonce of its own each
    assert phone_ciphers[1] is None and phone_masks == ["138****0000", ""]
    assert phone_ciphers[0] is not None and decrypt_phone(phone_ciphers[0]) == "13800000000"
