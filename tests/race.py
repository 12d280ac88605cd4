"""Two (or more) requests at once on PostgreSQL: each call in its own thread and connection, released together by a
barrier; what each returned or raised, for the concurrency tests of the ledger, the register and planning."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def race(calls: list[Callable[[], Any]]) -> list[tuple[Any, BaseException | None]]:
    """Run `calls` at once (a barrier releases them together), each in its own thread and connection."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[tuple[Any, BaseException | None]] = [(None, None)] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = (call(), None)
        except BaseException as error:  # kept for the test's assertions
            outcomes[index] = (None, error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def refusals(outcomes: list[tuple[Any, BaseException | None]]) -> list[BaseException]:
    return [error for _, error in outcomes if error is not None]
