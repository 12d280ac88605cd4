from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from zhenxing.audit import services as audit
from zhenxing.divisions.loading import EDITION, LoadResult, read_rows, upsert_rows
from zhenxing.divisions.models import Division

if TYPE_CHECKING:
    from zhenxing.accounts.models import User


def default_divisions_csv() -> Path:
    return Path(settings.ZHENXING_DATA_DIR) / "dali_divisions.csv"


def divisions_load(*, actor: User | None, path: Path | None = None, edition: str = EDITION) -> LoadResult:
    """Load (or bring up to date) the division tree from the CSV; safe to repeat. All or nothing."""
    source = path or default_divisions_csv()
    rows = read_rows(source)
    with transaction.atomic():
        result = upsert_rows(Division, rows, edition=edition)
        if result.created or result.updated:
            audit.record(
                actor=actor,
                action="divisions.load",
                target=("divisions.division", edition),
                new={"file": source.name, "edition": edition, **result.as_dict()},
            )
    return result
