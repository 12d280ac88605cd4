"""P2: ID numbers (GB 11643-1999), the 15→18 conversion, the 20-digit disability certificate."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenxing.policy.rules.idnumber import (
    IdNumberError,
    check_character,
    convert_15_to_18,
    parse_disability_certificate,
    parse_id_number,
)


def test_p2_test_vector_is_valid() -> None:
    parsed = parse_id_number("11010519491231002X")
    assert parsed.number == "11010519491231002X"
    assert parsed.birth_date == datetime.date(1949, 12, 31)
    assert parsed.sex == "女"  # sequence 002: even
    assert parsed.address_code == "110105"


def test_p2_lowercase_x_and_spaces_are_normalised() -> None:
    assert parse_id_number(" 11010519491231002x ").number == "11010519491231002X"


def test_p2_wrong_check_character_names_the_right_one() -> None:
    with pytest.raises(IdNumberError) as error:
        parse_id_number("110105194912310021")
    assert error.value.code == "invalid_check_character"
    assert "应为 X" in error.value.message


@pytest.mark.parametrize("text", ["1101051949123100", "11010519491231002Z", "A1010519491231002X", ""])
def test_p2_malformed_numbers(text: str) -> None:
    with pytest.raises(IdNumberError) as error:
        parse_id_number(text)
    assert error.value.code == "invalid_id_format"


def test_p2_impossible_birth_date() -> None:
    first17 = "11010519490230002"  # 30 February
    with pytest.raises(IdNumberError) as error:
        parse_id_number(first17 + check_character(first17))
    assert error.value.code == "invalid_birth_date"


def test_p2_fifteen_digit_legacy_number_converts() -> None:
    # 110105491231002 is the 15-digit form of the test vector
    assert convert_15_to_18("110105491231002") == "11010519491231002X"
    assert parse_id_number("110105491231002").number == "11010519491231002X"


def test_p2_sex_from_the_17th_digit() -> None:
    first17 = "53292619900101001"
    assert parse_id_number(first17 + check_character(first17)).sex == "男"


def test_p2_disability_certificate() -> None:
    certificate = parse_disability_certificate("11010519491231002X" + "42")
    assert (certificate.category, certificate.grade) == (4, 2)
    assert certificate.id_number.number == "11010519491231002X"
    with pytest.raises(IdNumberError, match="残疾类别"):
        parse_disability_certificate("11010519491231002X" + "82")
    with pytest.raises(IdNumberError, match="残疾等级"):
        parse_disability_certificate("11010519491231002X" + "45")
    with pytest.raises(IdNumberError):
        parse_disability_certificate("11010519491231002X4")


birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2025, 12, 31))
addresses = st.integers(min_value=110000, max_value=659999).map(str)
sequences = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")


@given(address=addresses, birth=birth_dates, sequence=sequences)
def test_p2_every_generated_number_parses_back(address: str, birth: datetime.date, sequence: str) -> None:
    first17 = f"{address}{birth:%Y%m%d}{sequence}"
    parsed = parse_id_number(first17 + check_character(first17))
    assert parsed.birth_date == birth
    assert parsed.sex == ("男" if int(sequence[-1]) % 2 else "女")


@given(
    address=addresses,
    birth=birth_dates,
    sequence=sequences,
    position=st.sampled_from([0, 1, 2, 3, 4, 5, 14, 15, 16]),
    shift=st.integers(min_value=1, max_value=9),
)
def test_p2_any_single_digit_change_is_caught(
    address: str, birth: datetime.date, sequence: str, position: int, shift: int
) -> None:
    # 11 is prime and no weight is a multiple of it, so changing one digit always changes S mod 11
    first17 = f"{address}{birth:%Y%m%d}{sequence}"
    number = first17 + check_character(first17)
    digits = list(number)
    digits[position] = str((int(digits[position]) + shift) % 10)
    with pytest.raises(IdNumberError) as error:
        parse_id_number("".join(digits))
    assert error.value.code == "invalid_check_character"


@given(
    address=addresses,
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(1999, 12, 31)),
    sequence=sequences,
)
def test_p2_legacy_conversion_round_trip(address: str, birth: datetime.date, sequence: str) -> None:
    legacy = f"{address}{birth:%y%m%d}{sequence}"
    assert parse_id_number(legacy).birth_date == birth


@given(st.text(max_size=25))
def test_p2_arbitrary_text_never_crashes(text: str) -> None:
    try:
        parse_id_number(text)
    except IdNumberError as error:
        assert error.message
