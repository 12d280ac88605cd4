"""Synthetic department feeds for the synthetic population (`zhenxing generate feeds --year Y`).

Writes one CSV per department (UTF-8, the field names of feeds/adapters.py) into a folder, plus
`expected_leads.csv`: the planted cases, each with the rule and grade it must raise. Files hold plaintext ID
numbers because that is what a department delivers; they are written under var/ and never committed.
Rates (estimates, per year) are in FEED_RATES.
"""

from __future__ import annotations

import csv
import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from zhenxing.common.crypto import decrypt_id_number
from zhenxing.divisions.codes import county_of, township_of
from zhenxing.registry.models import Household, Membership

FEED_RATES = {
    "medical_claim": 0.08,  # share of people with an inpatient or chronic-care claim in the year
    # outpatient and pharmacy settlements: most insured people see a doctor a few times a year, and each
    # visit is a settlement record; with these, scale 1 gives ≈5 million feed rows as a prefecture's would
    "outpatient_share": 0.65,
    "outpatient_visits_mean": 3.2,
    "education_record": 1.0,  # every pupil aged 6-18 appears in the enrolment feed
    "housing_appraisal": 0.05,  # share of households appraised this year
    "disability_new_certificate": 0.05,  # share of disabled people issued or renewing a certificate
    "employment_record": 0.10,  # share of working-age people in the employment feed
    "unemployed_among_them": 0.05,
    "death_over_70": 0.03,
    "planted_per_rule": 20,
    "planted_share_of_heads": 0.01,  # planted cases per rule, at scale 1 they are a needle in 2 million people
}
OUT_OF_POCKET_MEAN = 1_200.0


@dataclass
class Planted:
    household_code: str
    rule: str
    grade: str


def _people(
    year: int, batch: int = 5000
) -> Iterator[list[tuple[str, int, str, str, datetime.date, str, str, str, bytes]]]:
    """(household code, household id, village, relation, birth, labour, health, schooling, cipher) in batches."""
    rows = (
        Membership.objects.filter(left_on__isnull=True, person__id_number_encrypted__isnull=False)
        .order_by("id")
        .values_list(
            "household__code",
            "household_id",
            "household__village_id",
            "relation",
            "person__birth_date",
            "person__labour",
            "person__health",
            "person__schooling",
            "person__id_number_encrypted",
        )
    )
    chunk = []
    for row in rows.iterator(chunk_size=batch):
        chunk.append(row)
        if len(chunk) >= batch:
            yield chunk  # type: ignore[misc]
            chunk = []
    if chunk:
        yield chunk  # type: ignore[misc]


def generate_feeds(*, year: int, seed: int, folder: Path) -> tuple[dict[str, int], list[Planted]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    folder.mkdir(parents=True, exist_ok=True)
    # Each file is written under a .partial name and renamed when all are complete: a run killed halfway
    # leaves no file that looks like a finished delivery.
    files = {
        name: (folder / f"{name}.csv.partial").open("w", encoding="utf-8", newline="")
        for name in (
            "medical_insurance",
            "education",
            "housing",
            "water",
            "disability",
            "emergency",
            "human_resources",
            "health",
            "public_security",
            "civil_affairs",
        )
    }
    fields = {
        "medical_insurance": ["id_number", "period", "total_cost", "reimbursed", "out_of_pocket", "insured"],
        "education": ["id_number", "school", "status", "date"],
        "housing": ["household_code", "id_number", "grade", "date"],
        "water": ["village_code", "household_code", "problem", "days_cut", "date"],
        "disability": ["certificate", "date"],
        "emergency": ["household_code", "id_number", "disaster", "loss", "house_damaged", "date"],
        "human_resources": ["id_number", "status", "months", "registered_unemployed", "date"],
        "health": ["id_number", "disease_class", "date"],
        "public_security": ["id_number", "event", "date"],
        "civil_affairs": ["id_number", "assistance", "start", "end"],
    }
    writers = {name: csv.DictWriter(handle, fieldnames=fields[name]) for name, handle in files.items()}
    for writer in writers.values():
        writer.writeheader()
    counts = dict.fromkeys(files, 0)
    planted: list[Planted] = []
    want = FEED_RATES["planted_per_rule"]
    line = 8_700.0
    day = lambda month: datetime.date(year, month, rng.randint(1, 28)).isoformat()  # noqa: E731

    def write(name: str, row: dict[str, object]) -> None:
        writers[name].writerow(row)
        counts[name] += 1

    for chunk in _people(year):
        for code, _household, village, relation, birth, labour, health, schooling, cipher in chunk:
            number = decrypt_id_number(bytes(cipher))
            age = year - birth.year
            outpatient = 0.0
            if rng.random() < FEED_RATES["outpatient_share"]:
                for _ in range(1 + int(rng.expovariate(1 / (FEED_RATES["outpatient_visits_mean"] - 1)))):
                    cost = min(round(rng.lognormvariate(4.4, 0.7), 2), 600.0)
                    if outpatient + cost > line / 2:  # outpatient bills alone never reach the R03 trigger
                        break
                    outpatient += cost
                    write(
                        "medical_insurance",
                        {
                            "id_number": number,
                            "period": day(rng.randint(1, 12)),
                            "total_cost": round(cost * 2, 2),
                            "reimbursed": cost,
                            "out_of_pocket": cost,
                            "insured": "是",
                        },
                    )
            if rng.random() < FEED_RATES["medical_claim"]:
                pocket = round(rng.lognormvariate(6.8, 0.9), 2)
                if (
                    pocket + outpatient > line
                ):  # large bills are what R03 is for: keep the natural ones modest
                    pocket = round(max(line * rng.uniform(0.3, 0.9) - outpatient, 1.0), 2)
                write(
                    "medical_insurance",
                    {
                        "id_number": number,
                        "period": day(rng.randint(1, 12)),
                        "total_cost": round(pocket * 3, 2),
                        "reimbursed": round(pocket * 2, 2),
                        "out_of_pocket": pocket,
                        "insured": "是",
                    },
                )
            if 6 <= age <= 18 and schooling:
                write(
                    "education",
                    {
                        "id_number": number,
                        "school": f"{township_of(village)}学校",
                        "status": "在读",
                        "date": day(9),
                    },
                )
            if "残疾" in health and rng.random() < FEED_RATES["disability_new_certificate"]:
                write(
                    "disability",
                    {
                        "certificate": number + f"{rng.randint(1, 7)}{rng.choice((3, 4))}",
                        "date": day(rng.randint(1, 12)),
                    },
                )
            if (
                16 <= age <= 64
                and labour in ("普通劳动力", "技能劳动力")
                and rng.random() < FEED_RATES["employment_record"]
            ):
                write(
                    "human_resources",
                    {
                        "id_number": number,
                        "status": "就业",
                        "months": rng.randint(3, 12),
                        "registered_unemployed": "否",
                        "date": day(rng.randint(1, 12)),
                    },
                )
            if "慢性病" in health and rng.random() < 0.2:
                write(
                    "health", {"id_number": number, "disease_class": "慢病", "date": day(rng.randint(1, 12))}
                )
            if (
                relation != "户主"
                or rng.random() > FEED_RATES["planted_share_of_heads"]
                or len(planted) >= want * 6
            ):
                continue
            # planted cases, one kind after another, on heads of household
            kind = len(planted) % 6
            if kind == 0:
                write(
                    "medical_insurance",
                    {
                        "id_number": number,
                        "period": day(6),
                        "total_cost": 60000,
                        "reimbursed": 40000,
                        "out_of_pocket": line + 2000,
                        "insured": "是",
                    },
                )
                planted.append(Planted(code, "R03", "橙"))
            elif kind == 1:
                write("housing", {"household_code": code, "id_number": "", "grade": "D", "date": day(5)})
                planted.append(Planted(code, "R05", "红"))
            elif kind == 2:
                write(
                    "emergency",
                    {
                        "household_code": code,
                        "id_number": "",
                        "disaster": "地质",
                        "loss": 30000,
                        "house_damaged": "是",
                        "date": day(7),
                    },
                )
                planted.append(Planted(code, "R07", "橙"))
            elif kind == 3:
                write("health", {"id_number": number, "disease_class": "大病", "date": day(4)})
                planted.append(Planted(code, "R09", "黄"))
            elif kind == 4:
                write(
                    "human_resources",
                    {
                        "id_number": number,
                        "status": "失业",
                        "months": 0,
                        "registered_unemployed": "是",
                        "date": day(8),
                    },
                )
                planted.append(Planted(code, "R10", "黄"))
            else:
                write(
                    "civil_affairs", {"id_number": number, "assistance": "低保", "start": day(3), "end": ""}
                )
                planted.append(Planted(code, "R12", "黄"))
    for handle in files.values():
        handle.close()
    with (folder / "expected_leads.csv.partial").open("w", encoding="utf-8", newline="") as handle:
        expected = csv.writer(handle)
        expected.writerow(["household_code", "rule", "grade"])
        expected.writerows((p.household_code, p.rule, p.grade) for p in planted)
    for name in [*files, "expected_leads"]:
        (folder / f"{name}.csv.partial").replace(folder / f"{name}.csv")
    return counts, planted


# 民政's rosters (P17): everyone the registry records as 低保 or 特困, plus these shares of the other people of
# the county as 低保边缘 and 刚性支出困难 (estimates; 民政 publishes no Dali figure here)
ROSTER_RATES = {"edge": 0.015, "rigid": 0.005}
ROSTER_FIELDS = ["id_number", "assistance", "start", "end", "county_code", "snapshot_date"]


def roster_rows(*, county_code: str, snapshot_on: datetime.date, seed: int) -> list[dict[str, str]]:
    """One county's full 民政 roster on `snapshot_on`, as civil_affairs rows (feeds/adapters.py, P17): every
    current member of the county's households with the registry's 特困 or 低保 flag, and a few other people as
    低保边缘 or 刚性支出困难. Each row names the county and the date, so the batch is a roster snapshot.
    Start dates lie at least a year before the roster's year, so a roster raises no 新纳入 lead (R12)."""
    rng = random.Random(f"{seed}:{county_code}")  # noqa: S311 - reproducible synthetic data, not secrets
    latest = datetime.date(snapshot_on.year - 2, 12, 31)
    span = (latest - datetime.date(2014, 1, 1)).days
    people = (
        Membership.objects.filter(
            left_on__isnull=True,
            person__id_number_encrypted__isnull=False,
            household__village__code__startswith=county_code,
        )
        .order_by("person_id")
        .values_list("person__dibao", "person__tekun", "person__id_number_encrypted")
    )
    rows = []
    for dibao, tekun, cipher in people.iterator(chunk_size=5000):
        assert cipher is not None  # filtered above
        draw = rng.random()
        if tekun:
            category = "特困"
        elif dibao:
            category = "低保"
        elif draw < ROSTER_RATES["edge"]:
            category = "低保边缘"
        elif draw < ROSTER_RATES["edge"] + ROSTER_RATES["rigid"]:
            category = "刚性支出困难"
        else:
            continue
        start = datetime.date(2014, 1, 1) + datetime.timedelta(days=rng.randint(0, span))
        rows.append(
            {
                "id_number": decrypt_id_number(bytes(cipher)),
                "assistance": category,
                "start": start.isoformat(),
                "end": "",
                "county_code": county_code,
                "snapshot_date": snapshot_on.isoformat(),
            }
        )
    return rows


def generate_rosters(*, snapshot_on: datetime.date, seed: int, folder: Path) -> dict[str, int]:
    """One roster file per county with households (`folder/civil_affairs_roster_<county>.csv`), to upload on
    the 民政 page or push; returns the rows per county. Written aside and renamed when complete."""
    folder.mkdir(parents=True, exist_ok=True)
    villages = Household.objects.values_list("village_id", flat=True).distinct()
    counties = sorted({county_of(str(code)) for code in villages})
    counts = {}
    for county in counties:
        rows = roster_rows(county_code=county, snapshot_on=snapshot_on, seed=seed)
        partial = folder / f"civil_affairs_roster_{county}.csv.partial"
        with partial.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=ROSTER_FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        partial.replace(folder / f"civil_affairs_roster_{county}.csv")
        counts[county] = len(rows)
    return counts
