"""A real distributed run (issue 22): the rule set on a Spark standalone cluster — a master and two workers, each
a JVM of its own on loopback, the executors in further JVMs reading the snapshot's Parquet files — raises
exactly the leads the duckdb engine raises from the same data."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator

import pytest
from django.db import transaction

from zhenxing.audit.models import AuditEvent
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household
from zhenxing.screening.models import LeadSignal, ScreeningRun
from zhenxing.screening.services import screening_run

from ..conftest import VILLAGE
from ..factories import make_household
from .test_planted import DAY, YEAR, _planted

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """One cluster for the module. The engine uses the process's one Spark session (`getOrCreate`): a
    `local[2]` session an earlier test made is stopped first, and the cluster's is stopped before the
    cluster, so that later tests make their own again."""
    if shutil.which("java") is None or not _pyspark():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no Java or pyspark: the Spark cluster must be tested")
        pytest.skip("no Java or no pyspark here: a Spark cluster (pip install zhenxing[spark]) needs both")
    from zhenxing.screening.spark_cluster import spark_cluster, stop_active_session

    stop_active_session()
    # a few dozen rows: one shuffle partition per core, not the engine's default of 8
    saved = os.environ.get("ZHENXING_SPARK_PARTITIONS")
    os.environ["ZHENXING_SPARK_PARTITIONS"] = "2"
    try:
        with spark_cluster(workers=2, cores=1, memory="1g") as running:
            try:
                yield running
            finally:
                stop_active_session()
    finally:
        if saved is None:
            os.environ.pop("ZHENXING_SPARK_PARTITIONS", None)
        else:
            os.environ["ZHENXING_SPARK_PARTITIONS"] = saved


def _pyspark() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return True


def _leads_of(run: ScreeningRun) -> set[tuple[str, str, str, str]]:
    """(household, rule, grade, evidence with its value and threshold) of every signal the run recorded."""
    return {
        (
            str(signal.lead.household.code),
            signal.rule_code,
            signal.grade,
            json.dumps(signal.evidence, sort_keys=True),
        )
        for signal in LeadSignal.objects.filter(run=run).select_related("lead__household")
    }


def _at_the_line() -> None:
    """A household exactly at the monitoring line (no lead) and one a fen below it (R01)."""
    for code, wage in (("P-atline", 1_740_000), ("P-below", 1_739_999)):
        household = make_household(VILLAGE, code=code)
        assert isinstance(household, Household)
        registry.household_year_upsert(
            actor=None, household=household, year=YEAR, values={"wage": wage, "business": 0}
        )


def test_the_rule_set_on_a_standalone_cluster_raises_the_duckdb_engines_leads(cluster: object) -> None:
    from pyspark.sql import SparkSession

    from zhenxing.screening.spark_cluster import SparkCluster

    assert isinstance(cluster, SparkCluster)
    # given the planted households of every rule, and two at the line
    _planted()
    _at_the_line()
    # when a round runs on the cluster (its leads rolled back afterwards, so that the duckdb round starts
    # from the same state)
    with transaction.atomic():
        on_cluster = screening_run(year=YEAR, engine="spark", master=cluster.url, today=DAY)
        from_cluster = _leads_of(on_cluster)
        session = SparkSession.getActiveSession()
        assert session is not None
        master = session.sparkContext.master
        executors = session.sparkContext._jsc.sc().getExecutorMemoryStatus().size()
        transaction.set_rollback(True)
    # and the same round runs on the duckdb engine
    in_duckdb = screening_run(year=YEAR, engine="duckdb", today=DAY)
    from_duckdb = _leads_of(in_duckdb)
    # then the cluster did the work: the session's master is the cluster's, with executors besides the driver
    assert master == cluster.url
    assert executors >= 2
    # and the leads are the same — households, rules, grades, values and thresholds — and every rule fired
    assert from_cluster == from_duckdb
    assert len({rule for _, rule, _, _ in from_duckdb}) == 12
    assert ("P-below", "R01") in {(household, rule) for household, rule, _, _ in from_duckdb}
    assert not any(household == "P-atline" for household, *_ in from_duckdb)
    # and the kept round is audited
    audited = AuditEvent.objects.get(action="screening.run", target_id=str(in_duckdb.pk))
    assert (audited.new_values or {}).get("engine") == "duckdb"
