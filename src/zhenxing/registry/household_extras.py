"""What other apps hold about a household, for its page and its 责任追溯 (P13): e.g. the 到户类 assets it owns
(P15). Those apps sit above the registry, so the registry cannot ask them directly; each installs a provider
here when Django starts (assets.apps), and the household page and the trace read every provider's records."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhenxing.registry.models import Household


@dataclass(frozen=True)
class HouseholdRecord:
    section: str  # the heading it is shown under (到户类资产)
    title: str  # one line: what it is
    status: str
    url: str  # its own page (scoped there again)
    events: tuple[
        tuple[datetime.date, str, str], ...
    ] = ()  # (day, what happened, who or with what) for the trace


Provider = Callable[["Household"], list[HouseholdRecord]]
_providers: dict[str, Provider] = {}


def install(name: str, provider: Provider) -> None:
    _providers[name] = provider


def household_records(household: Household) -> list[HouseholdRecord]:
    return [record for provider in _providers.values() for record in provider(household)]
