"""The synthetic fund ledger drawn in memory (P14; rates in synth/rates.py), before synth/funds.py writes it:
for each project year and county, the allocation documents and their lines, the splits of the lines to the
county's library projects, the payments over the year, the reversals, and the projects that leave the library.

The drafts keep what the services keep (funds/services.py), by construction: a line is at least what its
splits take (its amount is the planned amount of every candidate project × a margin ≥ 1, filled greedily); a
split is the project's planned amount of the source, or the part of it that fits; a split's payments add up to
at most its amount (cumulative shares ≤ 1); nothing is paid before the line's document was issued, the split
made or the project started, nor after today; a reversal takes back at most its payment; a project that leaves
is paid nothing after it left (出库: nothing at all; 终止: only its first payment, before it left)."""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field

from zhenxing.synth import rates

WAN = 1_000_000  # fen in one 万元: documents allocate whole 万元


@dataclass(frozen=True)
class CountyRef:
    pk: int
    code: str
    name: str
    short: str


@dataclass(frozen=True)
class ProjectRef:
    pk: int
    code: str
    county: CountyRef
    year: int
    status: str
    decided_on: datetime.date | None
    started_on: datetime.date | None
    unit: str
    planned: dict[str, int]  # fen by source
    only_version: bool


@dataclass
class LineDraft:
    county: CountyRef
    source: str
    amount_fen: int
    room_fen: int = 0  # left to split while drafting


@dataclass
class DocDraft:
    doc_number: str
    title: str
    issued_on: datetime.date
    level: str
    budget_year: int
    advance: bool
    county: CountyRef | None  # None: entered by the prefecture's bureau
    lines: list[LineDraft] = field(default_factory=list)


@dataclass
class SplitDraft:
    doc: DocDraft
    line: LineDraft
    project: ProjectRef
    amount_fen: int
    decided_on: datetime.date
    proposed: bool = False


@dataclass
class PaymentDraft:
    split: SplitDraft
    amount_fen: int
    paid_on: datetime.date
    payee: str
    voucher: str
    reverses: PaymentDraft | None = None
    reason: str = ""


@dataclass(frozen=True)
class Leave:
    project: ProjectRef
    to: str  # "withdrawn" (出库) or "terminated" (终止)
    on: datetime.date
    reason: str


@dataclass
class Ledger:
    docs: list[DocDraft] = field(default_factory=list)
    splits: list[SplitDraft] = field(default_factory=list)
    payments: list[PaymentDraft] = field(default_factory=list)
    leaves: list[Leave] = field(default_factory=list)
    late_counties: list[str] = field(default_factory=list)


_TITLES = {
    "central_advance": "关于提前下达{year}年中央财政衔接推进乡村振兴补助资金的通知",
    "central": "关于下达{year}年中央财政衔接推进乡村振兴补助资金的通知",
    "province": "关于下达{year}年省级财政衔接推进乡村振兴补助资金的通知",
    "prefecture": "关于下达{year}年州级财政衔接推进乡村振兴补助资金的通知",
    "county": "关于安排{year}年县级财政衔接推进乡村振兴资金的通知",
}


class FundDrafts:
    def __init__(
        self, *, projects: list[ProjectRef], counties: list[CountyRef], years: list[int], seed: int,
        today: datetime.date,
    ) -> None:  # fmt: skip
        self.projects = projects
        self.counties = sorted(counties, key=lambda c: c.code)
        self.years = sorted(years)
        self.today = today
        self.rng = random.Random(f"funds:{seed}")  # noqa: S311 - reproducible from a seed, not secret
        self.voucher_seq = 0

    def ledger(self) -> Ledger:
        out = Ledger()
        late = self.rng.sample(
            [c.code for c in self.counties], min(rates.FUND_LATE_COUNTIES, len(self.counties))
        )
        out.late_counties = sorted(late)
        for year in self.years:
            docs = self._documents(year)
            by_county: dict[str, list[ProjectRef]] = {}
            for project in self.projects:
                if project.year == year:
                    by_county.setdefault(project.county.code, []).append(project)
            for county in self.counties:
                projects = sorted(by_county.get(county.code, []), key=lambda p: p.code)
                self._county_year(out, docs, county, year, projects, late=county.code in late)
            out.docs += [doc for doc in docs.values() if doc.lines]
        return out

    # documents and lines

    def _issued(self, key: str, year: int) -> datetime.date:
        month, day = rates.FUND_ISSUE_DATES[key]
        base = datetime.date(year - 1 if key == "central_advance" else year, month, day)
        jitter = self.rng.randint(-rates.FUND_ISSUE_JITTER, rates.FUND_ISSUE_JITTER)
        return base + datetime.timedelta(days=jitter)

    def _documents(self, year: int) -> dict[str, DocDraft]:
        numbers = {
            "central_advance": f"云财农〔{year - 1}〕{150 + year % 10}号",
            "central": f"云财农〔{year}〕{20 + year % 10}号",
            "province": f"云财农〔{year}〕{40 + year % 10}号",
            "prefecture": f"大州财农〔{year}〕{12 + year % 10}号",
        }
        levels = {"central_advance": "central", "central": "central", "province": "province",
                  "prefecture": "prefecture"}  # fmt: skip
        docs = {}
        for key, number in numbers.items():
            docs[key] = DocDraft(
                doc_number=number, title=_TITLES[key].format(year=year), issued_on=self._issued(key, year),
                level=levels[key], budget_year=year, advance=key == "central_advance", county=None,
            )  # fmt: skip
        return docs

    def _lines(
        self, out: Ledger, docs: dict[str, DocDraft], county: CountyRef, year: int, source: str, need_fen: int
    ) -> list[tuple[DocDraft, LineDraft]]:
        """The county's lines of `source` for the year, in the order splits draw on them (the advance first)."""
        margin = self.rng.uniform(*rates.FUND_LINE_MARGIN)
        total = math.ceil(need_fen * margin / WAN) * WAN
        if source == "county":
            doc = DocDraft(
                doc_number=f"{county.short}财农〔{year}〕{8 + year % 10}号", title=_TITLES["county"].format(year=year),
                issued_on=self._issued("county", year), level="county", budget_year=year, advance=False,
                county=county,
            )  # fmt: skip
            out.docs.append(doc)
            parts = [(doc, total)]
        elif source == "central":
            advance = round(total * rates.FUND_CENTRAL_ADVANCE / WAN) * WAN
            parts = [(docs["central_advance"], advance), (docs["central"], total - advance)]
        else:
            parts = [(docs[source], total)]
        lines = []
        for doc, amount in parts:
            if amount <= 0 or doc.issued_on > self.today:  # not issued yet
                continue
            line = LineDraft(county=county, source=source, amount_fen=amount, room_fen=amount)
            doc.lines.append(line)
            lines.append((doc, line))
        return lines

    # splits, payments, leaves

    def _county_year(
        self, out: Ledger, docs: dict[str, DocDraft], county: CountyRef, year: int, projects: list[ProjectRef],
        *, late: bool,
    ) -> None:  # fmt: skip
        mine: dict[str, list[SplitDraft]] = {}
        for source in rates.FUND_SOURCES:
            candidates = [p for p in projects if p.planned.get(source, 0) > 0]
            need = sum(p.planned[source] for p in candidates)
            if need <= 0:
                continue
            lines = self._lines(out, docs, county, year, source, need)
            for project in candidates:
                if self.rng.random() >= rates.FUND_SPLIT_SHARE:
                    continue
                wanted = project.planned[source]
                for doc, line in lines:
                    amount = min(wanted, line.room_fen)
                    if amount <= 0:
                        continue
                    start = max(doc.issued_on, project.decided_on or doc.issued_on)
                    day = min(start + datetime.timedelta(days=self.rng.randint(5, 30)), self.today)
                    split = SplitDraft(doc, line, project, amount, day)
                    line.room_fen -= amount
                    wanted -= amount
                    mine.setdefault(project.code, []).append(split)
                    if wanted <= 0:
                        break
        for project in projects:
            splits = mine.get(project.code, [])
            if not splits:
                continue
            out.splits += splits
            self._project_money(out, project, splits, year, late=late)

    def _project_money(
        self, out: Ledger, project: ProjectRef, splits: list[SplitDraft], year: int, *, late: bool
    ) -> None:
        leaving = ""
        draw = self.rng.random()
        if year < self.today.year and project.only_version and project.status in rates.FUND_LEAVE_STATES:
            if draw < rates.FUND_WITHDRAWN:
                leaving = "withdrawn"
            elif draw < rates.FUND_WITHDRAWN + rates.FUND_TERMINATED:
                leaving = "terminated"
        if leaving == "withdrawn":
            last = max(s.decided_on for s in splits)
            on = min(last + datetime.timedelta(days=self.rng.randint(30, 120)), self.today)
            out.leaves.append(Leave(project, "withdrawn", on, "实施条件发生变化，项目不再实施，申请出库"))
            return
        paid: list[PaymentDraft] = []
        for split in splits:
            if year == self.today.year and self.rng.random() < rates.FUND_PROPOSED_SHARE:
                split.proposed = True  # the county's proposal, waiting for the finance bureau: nothing paid
                continue
            made = self._payments(out, split, late=late, first_only=leaving == "terminated")
            if not leaving:
                self._reversals(out, made)
            paid += made
        if leaving == "terminated" and paid:  # 终止 after its first payments; nothing paid: it stays
            last = max(p.paid_on for p in paid)
            on = min(last + datetime.timedelta(days=self.rng.randint(30, 90)), self.today)
            out.leaves.append(
                Leave(project, "terminated", on, "项目实施条件变化无法继续实施，已完成部分据实结算")
            )

    def _day_in(self, year: int, first_month: int, last_month: int) -> datetime.date:
        start = datetime.date(year, first_month, 1)
        end = datetime.date(year + (last_month == 12), last_month % 12 + 1, 1) - datetime.timedelta(days=1)
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def _voucher(self, day: datetime.date) -> str:
        self.voucher_seq += 1
        return f"ZF{day:%Y%m%d}{self.voucher_seq:06d}"

    def _payments(
        self, out: Ledger, split: SplitDraft, *, late: bool, first_only: bool
    ) -> list[PaymentDraft]:
        project = split.project
        cap = rates.FUND_PAID_CAP_BY_STATUS.get(project.status, 0.0)
        if cap <= 0:
            return []
        factor = rates.FUND_LATE_FACTOR if late else 1.0
        year = split.doc.budget_year
        steps = [
            (year, month - 2, month, min(cap, share * factor))
            for month, share in rates.FUND_PAID_BY_MONTH.items()
        ]
        steps.append((year + 1, 1, 6, cap))  # the rest, in the first half of the next year
        earliest = max(split.decided_on, project.started_on or split.decided_on)
        done: list[PaymentDraft] = []
        paid = 0
        previous = earliest
        for pay_year, first, last, share in steps:
            amount = round(split.amount_fen * share) - paid
            if amount <= 0:
                continue
            day = max(self._day_in(pay_year, first, last), previous)
            if day > self.today:
                break
            payment = PaymentDraft(split, amount, day, project.unit, self._voucher(day))
            done.append(payment)
            paid += amount
            previous = day
            if first_only:
                break
        out.payments += done
        return done

    def _reversals(self, out: Ledger, paid: list[PaymentDraft]) -> None:
        for payment in paid:
            if self.rng.random() >= rates.FUND_REVERSAL_SHARE:
                continue
            on = payment.paid_on + datetime.timedelta(days=self.rng.randint(5, 40))
            if on > self.today:
                continue
            full = self.rng.random() < rates.FUND_REVERSAL_FULL
            amount = (
                payment.amount_fen if full else max(1, round(payment.amount_fen * self.rng.uniform(0.2, 0.8)))
            )
            reason = self.rng.choice(rates.FUND_REVERSAL_REASONS)
            out.payments.append(
                PaymentDraft(payment.split, -amount, on, payment.payee, self._voucher(on), reverses=payment,
                             reason=reason)
            )  # fmt: skip
            again = on + datetime.timedelta(days=self.rng.randint(0, 10))
            if again <= self.today:
                out.payments.append(
                    PaymentDraft(payment.split, amount, again, payment.payee, self._voucher(again))
                )
