"""The project reaches 资产移交 when all its assets are handed over (P14, P15).

The assets app sits above the project library (it registers assets from accepted projects), so the library
cannot ask it directly: the assets app installs its register here when Django starts (assets.apps), and the
project workflow's 资产移交 moves ask it, inside the move's transaction, how many assets the project has and how
many are not yet handed over. Without the assets app nothing is registered, and a project is handed over by
hand as before."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from zhenxing.projects.models import Project


class AssetRegister(Protocol):
    def counts(self, project: Project) -> tuple[int, int]:
        """(assets registered from the project, every version of its code; those not yet handed over)."""
        ...


class _NothingRegistered:
    def counts(self, project: Project) -> tuple[int, int]:
        return 0, 0


_installed: list[AssetRegister] = [_NothingRegistered()]


def install(register: AssetRegister) -> None:
    _installed[0] = register


def asset_register() -> AssetRegister:
    return _installed[0]
