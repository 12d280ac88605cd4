"""The monitoring app's models: identification and elimination cases (cases.py), and the assistance plan,
its measures, evaluations and the housing-safety ledger (assistance.py), and the 民政比对's differences and
outcomes (lowincome.py)."""

from zhenxing.monitoring.models.assistance import (
    Evaluation,
    HousingLedgerEntry,
    Measure,
    PersonItem,
    Plan,
)
from zhenxing.monitoring.models.cases import (
    Attachment,
    Case,
    CaseStep,
    Notice,
    NoticeEntry,
    Objection,
    Visit,
)
from zhenxing.monitoring.models.lowincome import LowIncomeDifference, LowIncomeOutcome

__all__ = [
    "Attachment", "Case", "CaseStep", "Evaluation", "HousingLedgerEntry", "LowIncomeDifference", "LowIncomeOutcome",
    "Measure", "Notice", "NoticeEntry", "Objection", "PersonItem", "Plan", "Visit",
]  # fmt: skip
