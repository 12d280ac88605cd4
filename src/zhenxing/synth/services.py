"""`synthetic_registry_generate`: the synthetic Dali into the database, in one transaction, with progress."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from zhenxing.audit import services as audit
from zhenxing.divisions.codes import county_of, township_of
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.registry import bulk
from zhenxing.synth import loader
from zhenxing.synth.generator import Generator, Settings, VillageRef

# below this the drop and rebuild of the indexes costs more than it saves (tens of thousands of people)
DEFER_INDEXES_FROM_SCALE = 0.02


@dataclass(frozen=True)
class GenerateResult:
    households: int
    people: int
    seconds: float


def _villages() -> list[VillageRef]:
    rows = (
        Division.objects.filter(level=DivisionLevel.VILLAGE)
        .order_by("code")
        .values_list("id", "code", "short_name", "name")
    )
    return [
        VillageRef(
            id=pk,
            code=code,
            county=county_of(code),
            township=township_of(code),
            short_name=short,
            is_community="社区" in name or "居" in name,
        )
        for pk, code, short, name in rows
    ]


def synthetic_registry_generate(
    *, settings: Settings, progress: Callable[[int, int], None] | None = None
) -> GenerateResult:
    started = time.perf_counter()
    counties = Division.objects.filter(level=DivisionLevel.COUNTY)
    key = {c.code for c in counties if c.is_key_county}
    tuopin = {c.code for c in counties if c.is_tuopin_county}
    households = people = 0
    with transaction.atomic():
        generator = Generator(
            _villages(), settings, loader.start_ids(), key_counties=key, tuopin_counties=tuopin
        )
        # a fresh registry of some size is loaded without its indexes and built them after (registry/bulk.py)
        with (
            bulk.indexes_deferred(enabled=settings.scale >= DEFER_INDEXES_FROM_SCALE),
            loader.batch_writer() as write,
        ):
            for batch, so_far, target in generator.batches():
                write(batch)
                households += len(batch.households)
                people = so_far
                if progress:
                    progress(so_far, target)
        loader.reset_sequences()
        audit.record(
            actor=None,
            action="synth.generate",
            target=("registry.household", "synthetic"),
            new={
                "scale": settings.scale,
                "seed": settings.seed,
                "year": settings.year,
                "households": households,
                "people": people,
            },
        )
    return GenerateResult(households=households, people=people, seconds=time.perf_counter() - started)
