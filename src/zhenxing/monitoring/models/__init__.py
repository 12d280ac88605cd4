"""The monitoring app's models: identification and elimination cases (cases.py), and the assistance plan,
its measures, evaluations and the housing-safety ledger (assistance.py)."""

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

__all__ = [
    "Attachment", "Case", "CaseStep", "Evaluation", "HousingLedgerEntry", "Measure", "Notice", "NoticeEntry",
    "Objection", "PersonItem", "Plan", "Visit",
]  # fmt: skip
