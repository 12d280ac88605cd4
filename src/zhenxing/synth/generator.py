"""The synthetic Dali: households in the real villages, drawn from synth/rates.py, deterministic for a seed.

Rows come out as tuples in the column order of synth/loader.py, in batches, so that the whole of Dali
(≈2 million people) never sits in memory at once. Nothing here touches the database.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import hmac
import itertools
import math
import os
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Generic, TypeVar

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from zhenxing.common.crypto import (
    _CIPHER_VERSION,
    _ID_AAD,
    _PHONE_AAD,
    _cipher_key,
    _fingerprint,
    derived_key,
    mask_phone,
)
from zhenxing.policy.rules.idnumber import CHECK_CHARACTERS, WEIGHTS
from zhenxing.synth import rates

# the share of a 低保 or 特困 household's transfer income that is 低保金 or 特困供养金 (P17), low and high
ASSISTANCE_BENEFIT_SHARE = (0.5, 0.85)

SURNAMES = (
    "杨", "李", "张", "赵", "段", "王", "字", "何", "苏", "尹", "董", "施", "罗", "陈", "刘", "杜", "周", "马", "鲁",
    "茶", "罗", "自", "左", "郭", "黄", "吴", "徐", "孙", "高", "林", "毕", "和", "普", "起", "阿", "蔡", "洪", "姚",
)  # fmt: skip
GIVEN = "建国华明丽芳兰英秀珍云龙海燕红梅春福文德光荣志强永平金玉凤琼桂花秋菊家兴学成俊杰宇涛静娟婷雪佳欣浩然子轩晨曦"
HEAD_RELATIONS_CHILD = ("之子", "之女")
# the weighted sum of the three sequence digits of an ID number (positions 15-17), for each sequence
_SEQUENCE_SUMS = tuple(
    sum(int(digit) * weight for digit, weight in zip(f"{n:03d}", WEIGHTS[14:17], strict=True))
    for n in range(1000)
)


def _weighted(rng: random.Random, table: dict) -> object:
    return rng.choices(list(table), weights=list(table.values()))[0]


T = TypeVar("T")


class Picker(Generic[T]):
    """Fast repeated weighted choice (bisect over cumulative weights)."""

    def __init__(self, table: dict[T, float]) -> None:
        self.values = list(table)
        self.cumulative = list(itertools.accumulate(table.values()))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> T:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.total)]


def lognormal_sigma(mean: float, line: float, share_below: float) -> float:
    """σ of a lognormal with this mean putting `share_below` of the mass below `line` (closed form)."""
    z = NormalDist().inv_cdf(share_below)
    a = math.log(line / mean)
    return z + math.sqrt(z * z - 2 * a)


@dataclass(frozen=True)
class VillageRef:
    id: int
    code: str
    county: str
    township: str
    short_name: str
    is_community: bool


@dataclass
class Batch:
    natural_villages: list[tuple] = field(default_factory=list)
    households: list[tuple] = field(default_factory=list)
    persons: list[tuple] = field(default_factory=list)
    memberships: list[tuple] = field(default_factory=list)
    years: list[tuple] = field(default_factory=list)


@dataclass
class StartIds:
    natural_village: int = 1
    household: int = 1
    person: int = 1
    membership: int = 1
    year: int = 1


@dataclass
class Settings:
    scale: float
    seed: int
    year: int
    rural_population: int = rates.RURAL_POPULATION
    growth: float = rates.INCOME_GROWTH
    batch_households: int = 5_000


class Generator:
    def __init__(
        self,
        villages: Sequence[VillageRef],
        settings: Settings,
        start: StartIds,
        key_counties: set[str],
        tuopin_counties: set[str],
    ) -> None:
        self.s = settings
        self.rng = random.Random(settings.seed)  # noqa: S311 - reproducible from a seed, not secret
        self.villages = list(villages)
        self.ids = start
        self.now = datetime.datetime.now(tz=datetime.UTC)
        self.year_end = datetime.date(settings.year, 12, 31)
        self.used_ids: set[str] = set()
        self._aes = AESGCM(_cipher_key(_root_key()))
        self._fingerprint = _fingerprint(_root_key())
        self._index_key = derived_key("id-index")
        self._index_mac = hmac.new(self._index_key, digestmod=hashlib.sha256)
        self._nonces, self._nonce_at = b"", 0
        self.natural_villages: dict[int, list[int]] = {}
        tuopin_weights = [
            rates.KEY_COUNTY_WEIGHT
            if v.county in key_counties
            else rates.OTHER_TUOPIN_COUNTY_WEIGHT
            if v.county in tuopin_counties
            else 0.0
            for v in self.villages
        ]
        self.tuopin_villages = list(itertools.accumulate(tuopin_weights))
        self.ordinary_villages = list(itertools.accumulate([1.0] * len(self.villages)))
        self.communities_by_county: dict[str, list[VillageRef]] = {}
        for village in self.villages:
            if village.is_community:
                self.communities_by_county.setdefault(village.county, []).append(village)
        self.sizes = {
            "脱贫户": Picker(rates.SIZE_WEIGHTS_TUOPIN),
            "一般农户": Picker(rates.SIZE_WEIGHTS_ORDINARY),
        }
        self.ethnicity = {
            "脱贫户": Picker(rates.ETHNICITY_TUOPIN),
            "一般农户": Picker(rates.ETHNICITY_ORDINARY),
        }
        self.labour_working = Picker(rates.LABOUR_WORKING_AGE)
        self.labour_65 = Picker(rates.LABOUR_65_74)
        self.labour_75 = Picker(rates.LABOUR_75_PLUS)
        self.work_place = Picker(rates.WORK_PLACE_WEIGHTS)
        self.dis_category = Picker(rates.DISABILITY_CATEGORY_WEIGHTS)
        self.dis_grade = Picker(rates.DISABILITY_GRADE_WEIGHTS)
        self.housing = Picker(rates.HOUSING_GRADE_WEIGHTS)
        self.disaster_kind = Picker(rates.DISASTER_KIND_WEIGHTS)
        line_2020 = rates.DEMO_LINES[2020]
        self.income_sigma = {
            kind: lognormal_sigma(rates.MEAN_INCOME_2020[kind], line_2020, rates.BELOW_LINE_SHARE_2020[kind])
            for kind in ("脱贫户", "一般农户")
        }
        self.growth_factor = (1 + settings.growth) ** (settings.year - 2020)
        self.household_seq: dict[int, int] = {}

    # -- identity -------------------------------------------------------------------------------------------
    def _id_number(self, county: str, birth: datetime.date, male: bool) -> str:
        base = f"{county}{birth:%Y%m%d}"
        # P2's check character (policy/rules/idnumber.check_character, which the tests hold this to) with
        # the weighted sum of the first 14 digits taken once, not once per drawn sequence number
        partial = sum(int(digit) * weight for digit, weight in zip(base, WEIGHTS[:14], strict=True))
        while True:
            sequence = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
            total = partial + _SEQUENCE_SUMS[sequence]
            number = f"{base}{sequence:03d}{CHECK_CHARACTERS[total % 11]}"
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def _nonce(self) -> bytes:
        """12 random bytes, cut from a larger read: one system call per few thousand rows, not per row."""
        if self._nonce_at >= len(self._nonces):
            self._nonces, self._nonce_at = os.urandom(12 * 4096), 0
        self._nonce_at += 12
        return self._nonces[self._nonce_at - 12 : self._nonce_at]

    def _seal(self, text: str, aad: bytes) -> bytes:
        """common/crypto's layout, with the key derived once per run (millions of rows)."""
        nonce = self._nonce()
        return (
            _CIPHER_VERSION + self._fingerprint + nonce + self._aes.encrypt(nonce, text.encode("ascii"), aad)
        )

    def _protect(self, number: str) -> tuple[bytes, str, str]:
        mac = self._index_mac.copy()  # common/crypto.id_number_index, the keyed state set up once
        mac.update(number.encode("utf-8"))
        return self._seal(number, _ID_AAD), mac.hexdigest(), number[:6] + "********" + number[-4:]

    def _phone(self, number: str) -> tuple[bytes | None, str]:
        """(cipher, mask) of a phone: never stored in plain text (registry/phones.py)."""
        if not number:
            return None, ""
        return self._seal(number, _PHONE_AAD), mask_phone(number)

    def _name(self, surname: str) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.8 else "")
        return surname + given

    # -- one household --------------------------------------------------------------------------------------
    def _pick_village(self, kind: str) -> VillageRef:
        cumulative = self.tuopin_villages if kind == "脱贫户" else self.ordinary_villages
        return self.villages[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]

    def _people(self, kind: str, size: int) -> list[tuple[str, int, bool]]:
        """(relation, age on 31 December, male) for each member, head first."""
        rng = self.rng
        head_age = rng.randint(60, 88) if size == 1 else rng.randint(28, 72)
        head_male = rng.random() < (0.55 if size == 1 else 0.88)
        members = [("户主", head_age, head_male)]
        if size >= 2 and rng.random() < 0.9:
            members.append(("配偶", max(18, head_age + rng.randint(-6, 4)), not head_male))
        if len(members) < size and head_age < 66 and rng.random() < 0.25:
            parent_male = rng.random() < 0.4
            members.append(
                ("之父" if parent_male else "之母", min(98, head_age + rng.randint(22, 32)), parent_male)
            )
        while len(members) < size:
            if (
                head_age >= 56
                and rng.random() < 0.5
                and any(r in HEAD_RELATIONS_CHILD for r, _, _ in members)
            ):
                male = rng.random() < 0.52
                members.append(("之孙子" if male else "之孙女", max(0, head_age - rng.randint(44, 60)), male))
            else:
                male = rng.random() < 0.52
                members.append(("之子" if male else "之女", max(0, head_age - rng.randint(20, 38)), male))
        return members

    def _person_row(
        self, kind: str, village: VillageRef, relation: str, age: int, male: bool, surname: str, flags: dict
    ) -> tuple[tuple, str]:
        """The person's row, and the phone in plain text (for the household's contact phone, sealed apart)."""
        rng = self.rng
        year = self.s.year
        birth = datetime.date(year - age, rng.randint(1, 12), rng.randint(1, 28))
        number = self._id_number(village.county, birth, male)
        sealed, index, masked = self._protect(number)
        # schooling or education: exactly one (P1)
        schooling, education, student = "", "", False
        out_of_school = False
        if age <= 2:
            schooling = "学龄前儿童"
        elif age <= 5:
            schooling = "学前教育"
        elif age <= 11:
            schooling = "小学"
        elif age <= 14:
            schooling = ("七年级", "八年级", "九年级")[age - 12]
        elif age <= 17 and rng.random() < rates.HIGH_SCHOOL_ENROLMENT:
            year_of_stage = age - 15
            schooling = ("普通高中", "中职")[rng.random() < 0.4] + ("一", "二", "三")[year_of_stage] + "年级"
        elif 18 <= age <= 21 and rng.random() < rates.TERTIARY_ENROLMENT:
            schooling = (
                ("本科" if rng.random() < 0.45 else "高职高专")
                + ("一", "二", "三")[min(age - 18, 2)]
                + "年级"
            )
        if schooling:
            student = age >= 15
            if 6 <= age <= 15 and rng.random() < rates.DROPOUT_RATE:
                out_of_school = True
        else:
            education = self._education(age)
        # health
        health = []
        chronic = rng.random() < rates.CHRONIC_BASE + rates.CHRONIC_PER_YEAR_OF_AGE * age
        serious = rng.random() < rates.SERIOUS_BASE + rates.SERIOUS_PER_YEAR_OF_AGE * age
        disabled = rng.random() < rates.DISABILITY_RATE[kind] * (0.4 + age / 60)
        if chronic:
            health.append("长期慢性病")
        if serious:
            health.append("患有大病")
        if disabled:
            health.append("残疾")
        flags["sick"] = flags.get("sick", False) or chronic or serious
        flags["serious"] = flags.get("serious", False) or serious
        category: int | None = None
        grade: int | None = None
        if disabled:
            category, grade = int(self.dis_category(rng)), int(self.dis_grade(rng))
            flags["disabled"] = flags.get("disabled", 0) + 1
        # labour and work
        if age < 16 or student:
            labour = "无劳动力"
        elif age <= 64:
            labour = str(self.labour_working(rng))
            if grade in (1, 2) and labour in ("普通劳动力", "技能劳动力"):
                labour = "丧失劳动力"
        elif age <= 74:
            labour = str(self.labour_65(rng))
        else:
            labour = str(self.labour_75(rng))
        work_place, work_months, welfare = "", 0, 0
        if labour in ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力") and 16 <= age <= 64:
            if rng.random() < rates.WELFARE_JOB_RATE[kind] * (4 if labour == "弱劳动力或半劳动力" else 1):
                welfare = 12
            elif rng.random() < rates.WORKING_SHARE[kind]:
                work_months = rng.randint(3, 12)
                work_place = str(self.work_place(rng))
        if student and schooling.startswith(("普通高中", "中职", "高职高专", "技师学院", "本科")):
            flags["students"] = flags.get("students", 0) + 1
        resident = rng.random() < rates.RESIDENT_INSURANCE_RATE
        employee = not resident and rng.random() < 0.6
        phone = ("1" + str(rng.randint(3, 9)) + f"{rng.randrange(10**9):09d}") if relation == "户主" else ""
        phone_sealed, phone_masked = self._phone(phone)
        name = self._name(
            surname
            if relation in ("户主", "之子", "之女", "之孙子", "之孙女", "之父")
            else rng.choice(SURNAMES)
        )
        return (
            self._next("person"), name, "男" if male else "女", birth, "resident_id", sealed, index, masked, False,
            flags["ethnicity"], "中共党员" if rng.random() < 0.06 and age >= 18 else "群众", education, schooling,
            out_of_school, False, "、".join(health) or "健康", category, grade, disabled, labour, work_place,
            work_months, welfare, resident, employee, age >= 16 and rng.random() < rates.PENSION_RATE,
            flags["dibao"], flags["tekun"], phone_sealed, phone_masked, False, self.now, self.now,
        ), phone  # fmt: skip

    def _education(self, age: int) -> str:
        r = self.rng.random()
        if age > 60:
            return "文盲或半文盲" if r < 0.4 else "小学" if r < 0.85 else "初中"
        if age >= 30:
            return (
                "文盲或半文盲"
                if r < 0.08
                else "小学"
                if r < 0.43
                else "初中"
                if r < 0.88
                else "高中"
                if r < 0.96
                else "大专"
                if r < 0.99
                else "本科及以上"
            )
        return (
            "小学"
            if r < 0.1
            else "初中"
            if r < 0.6
            else "高中"
            if r < 0.8
            else "大专"
            if r < 0.92
            else "本科及以上"
        )

    def _next(self, table: str) -> int:
        value = getattr(self.ids, table)
        setattr(self.ids, table, value + 1)
        return value

    def _natural_village(self, village: VillageRef, batch: Batch) -> int:
        known = self.natural_villages.get(village.id)
        if known is None:
            known = []
            for index in range(rates.NATURAL_VILLAGES_PER_VILLAGE):
                nid = self._next("natural_village")
                batch.natural_villages.append((nid, village.id, f"{village.short_name}第{index + 1}村民小组"))
                known.append(nid)
            self.natural_villages[village.id] = known
        return self.rng.choice(known)

    def household(self, kind: str, batch: Batch, *, relocated: bool = False) -> int:
        rng = self.rng
        origin = self._pick_village(kind)
        village, site = origin, ""
        moved_from: str | None = None
        if relocated:
            communities = self.communities_by_county.get(origin.county) or [origin]
            village = communities[rng.randrange(len(communities))]
            moved_from, site = origin.code, f"{village.short_name}易地扶贫搬迁安置区"
        size = int(self.sizes[kind](rng))
        if relocated and rng.random() < rates.RELOCATED_EXTRA_MEMBER:
            size += 1
        household_id = self._next("household")
        sequence = self.household_seq.get(village.id, 0) + 1
        self.household_seq[village.id] = sequence
        code = f"{village.code}{sequence:05d}"
        natural = self._natural_village(village, batch)
        surname = rng.choice(SURNAMES)
        flags: dict = {
            "ethnicity": self._ethnicity(kind),
            "dibao": rng.random() < rates.DIBAO_HOUSEHOLD_RATE[kind],
            "tekun": False,
        }
        people = self._people(kind, size)
        if size == 1 and people[0][1] >= 70 and kind == "脱贫户" and rng.random() < 0.3:
            flags["tekun"], flags["dibao"] = True, False
        joined = datetime.date(2014 if kind == "脱贫户" else 2016, 1, 1)
        contact = ""
        for relation, age, male in people:
            row, phone = self._person_row(kind, village, relation, age, male, surname, flags)
            batch.persons.append(row)
            contact = contact or phone
            member_joined = max(joined, row[3])
            batch.memberships.append(
                (
                    self._next("membership"),
                    household_id,
                    row[0],
                    relation,
                    member_joined,
                    "registered" if member_joined == joined else "birth",
                    None,
                    "",
                )
            )
        batch.households.append(
            (household_id, code, "synced", village.code, natural, f"{village.short_name}{rng.randint(1, 300)}号", kind,
             relocated, site, moved_from, *self._phone(contact), self.now, self.now)
        )  # fmt: skip
        batch.years.append(self._year_row(household_id, kind, size, flags))
        return size

    def _ethnicity(self, kind: str) -> str:
        value = str(self.ethnicity[kind](self.rng))
        return self.rng.choice(rates.OTHER_ETHNICITIES) if value == "其他" else value

    def _year_row(self, household_id: int, kind: str, size: int, flags: dict) -> tuple:
        rng = self.rng
        mean = rates.MEAN_INCOME_2020[kind]
        sigma = self.income_sigma[kind]
        per_head = math.exp(math.log(mean) - sigma * sigma / 2 + sigma * rng.gauss(0, 1)) * self.growth_factor
        net = per_head * size
        business = max(0.0, rng.gauss(rates.BUSINESS_SHARE, 0.12)) * net
        prop = max(0.0, rng.gauss(rates.PROPERTY_SHARE, 0.02)) * net
        transfer = max(0.0, rng.gauss(rates.TRANSFER_SHARE, 0.06)) * net
        wage = net - business - prop - transfer
        if wage < 0:
            business, prop, transfer = (
                (business + wage, prop, transfer)
                if business + wage >= 0
                else (0.0, prop, max(0.0, transfer + business + wage))
            )
            wage = net - business - prop - transfer
        cost = business * rates.BUSINESS_COST_RATIO
        medical = education = rehab = accident_cost = disaster_cost = payouts = 0.0
        if flags.get("sick") and rng.random() < rates.MEDICAL_COST_IF_ILL[0]:
            medical = rng.lognormvariate(
                math.log(
                    rates.SERIOUS_ILLNESS_COST if flags.get("serious") else rates.MEDICAL_COST_IF_ILL[1]
                ),
                0.6,
            )
        for _ in range(flags.get("students", 0)):
            education += rng.uniform(*rates.EDUCATION_COST_PER_STUDENT)
        if flags.get("disabled") and rng.random() < rates.REHABILITATION[0]:
            rehab = rng.uniform(500, rates.REHABILITATION[1] * 2)
        accident = rng.random() < rates.ACCIDENT_RATE
        if accident:
            accident_cost = rng.uniform(*rates.ACCIDENT_COST)
        disaster = ""
        if rng.random() < rates.DISASTER_RATE:
            disaster = str(self.disaster_kind(rng))
            disaster_cost = rng.uniform(*rates.DISASTER_COST)
        if (medical or accident_cost) and rng.random() < rates.INSURANCE_PAYOUT_SHARE[0]:
            payouts = (medical + accident_cost) * rates.INSURANCE_PAYOUT_SHARE[1]
        water_bad = rng.random() < rates.WATER_PROBLEM_RATE
        fen = lambda yuan: round(yuan * 100)  # noqa: E731
        # the part of the transfer income that is 低保金 or 特困供养金 (P3, P17): a share of it in a household
        # with a 低保 or 特困 member, varied by the household's id so that no random number is drawn (the
        # draws of every later household stay as they were)
        benefit = 0
        if flags.get("dibao") or flags.get("tekun"):
            share = ASSISTANCE_BENEFIT_SHARE[0] + (household_id * 2654435761 % 1000) / 1000 * (
                ASSISTANCE_BENEFIT_SHARE[1] - ASSISTANCE_BENEFIT_SHARE[0]
            )
            benefit = min(fen(transfer * share), fen(transfer))
        return (
            self._next("year"), household_id, self.s.year, fen(wage), fen(business + cost), fen(prop), fen(transfer), benefit, fen(cost),
            fen(payouts), fen(medical), fen(education), fen(rehab), fen(accident_cost), fen(disaster_cost),
            str(self.housing(rng)), 45 if water_bad and rng.random() < 0.5 else 0, not (water_bad and rng.random() < 0.5),
            True, disaster, accident, rng.random() < rates.INDUSTRY_FAILURE_RATE, self.now,
        )  # fmt: skip

    # -- the whole run ------------------------------------------------------------------------------------------
    def batches(self) -> Iterator[tuple[Batch, int, int]]:
        """Yield (batch, people so far, target people)."""
        s = self.s
        tuopin_households = round(rates.TUOPIN_HOUSEHOLDS * s.scale)
        relocated = round(rates.RELOCATED_HOUSEHOLDS * s.scale)
        rural_target = round(s.rural_population * s.scale)
        people = 0
        batch = Batch()
        for index in range(tuopin_households):
            people += self.household("脱贫户", batch, relocated=index < relocated)
            if len(batch.households) >= s.batch_households:
                yield batch, people, rural_target
                batch = Batch()
        while people < rural_target:
            people += self.household("一般农户", batch)
            if len(batch.households) >= s.batch_households:
                yield batch, people, rural_target
                batch = Batch()
        if batch.households:
            yield batch, people, rural_target


def _root_key() -> bytes:
    from django.conf import settings

    key: bytes = settings.ZHENXING_DATA_KEY
    return key
