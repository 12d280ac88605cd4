"""P2: 居民身份证号码 (GB 11643-1999) and the 20-digit 残疾人证 number."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


class IdNumberError(ValueError):
    """Why a number is not a valid ID number: a stable code and a Chinese message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdNumber:
    number: str  # always the 18-character form
    address_code: str  # where the person was registered — not where the household lives (P2)
    birth_date: datetime.date
    sex: str  # "男" / "女"


def check_character(first17: str) -> str:
    """P2: S = Σ digit × weight; the check character is "10X98765432"[S mod 11]."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def _birth_date(text: str) -> datetime.date:
    try:
        return datetime.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError as error:
        raise IdNumberError("invalid_birth_date", f"身份证号中的出生日期 {text} 不是有效日期") from error


def convert_15_to_18(number: str) -> str:
    """P2: insert "19" before the two-digit year and compute the check character."""
    if len(number) != 15 or not number.isdigit():
        raise IdNumberError("invalid_id_format", "15位旧身份证号应为15位数字")
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_character(first17)


def parse_id_number(text: str, *, today: datetime.date | None = None) -> IdNumber:
    """Validate and normalise an ID number (18 characters, or a 15-digit legacy number converted)."""
    number = text.strip().upper()
    if len(number) == 15:
        number = convert_15_to_18(number)
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdNumberError(
            "invalid_id_format", "身份证号应为18位（前17位为数字，末位为数字或X），或15位旧号码"
        )
    birth = _birth_date(number[6:14])
    if birth.year < 1880 or (today is not None and birth > today):
        raise IdNumberError("invalid_birth_date", f"身份证号中的出生日期 {birth.isoformat()} 不合理")
    expected = check_character(number[:17])
    if number[17] != expected:
        raise IdNumberError(
            "invalid_check_character", f"身份证号校验位错误：末位应为 {expected}，实为 {number[17]}"
        )
    sex = "男" if int(number[16]) % 2 == 1 else "女"
    return IdNumber(number=number, address_code=number[:6], birth_date=birth, sex=sex)


@dataclass(frozen=True)
class DisabilityCertificate:
    id_number: IdNumber
    category: int  # 1 视力 … 7 多重
    grade: int  # 1 most severe … 4


def parse_disability_certificate(text: str) -> DisabilityCertificate:
    """P2: the 20-digit 残疾人证 number is the 18-digit ID plus the category digit and the grade digit."""
    number = text.strip().upper()
    if len(number) != 20 or not number[18:].isdigit():
        raise IdNumberError(
            "invalid_certificate_format", "残疾人证号应为20位：18位身份证号 + 残疾类别 + 残疾等级"
        )
    person = parse_id_number(number[:18])
    category, grade = int(number[18]), int(number[19])
    if not 1 <= category <= 7:
        raise IdNumberError("invalid_disability_category", f"残疾类别应为1-7，实为 {category}")
    if not 1 <= grade <= 4:
        raise IdNumberError("invalid_disability_grade", f"残疾等级应为1-4，实为 {grade}")
    return DisabilityCertificate(id_number=person, category=category, grade=grade)
