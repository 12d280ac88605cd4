"""Sites of their own for tests that drive real processes (tests/sites.py), and the run's one Spark session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ..sites import pg_site_template, site  # noqa: F401 - fixtures


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """The Spark session every Spark test of the run shares (the engine's own: it asks for the same one), so
    that the JVM starts once; stopped when the run ends."""
    from zhenxing.screening.engines import spark_session as engine_session

    session = engine_session()
    yield session
    session.stop()
