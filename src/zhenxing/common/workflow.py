"""A subject moving through declared steps, each step done by one role (DESIGN: build once, use for cases,
project approvals and asset disposal). An app declares its moves as data; its `transitions.py` asks `check`
before it assigns a status, and nothing else assigns one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zhenxing.common.errors import Conflict, PermissionDenied


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    role: str  # the role that does this move (accounts.enums.Role)
    label: str  # the button: 受理, 研判完成, 审核通过, …


class Workflow:
    def __init__(
        self, *, name: str, labels: dict[str, str], role_labels: dict[str, str], moves: Iterable[Move]
    ):
        self.name = name
        self.labels = labels
        self.role_labels = role_labels
        self.moves = tuple(moves)
        unknown = {state for move in self.moves for state in (move.source, move.target)} - set(labels)
        if unknown:
            raise ValueError(f"{name}: moves name unknown states {sorted(unknown)}")

    def moves_from(self, source: str, role: str | None = None) -> list[Move]:
        return [m for m in self.moves if m.source == source and (role is None or m.role == role)]

    def check(self, *, source: str, target: str, role: str) -> Move:
        """The declared move, or a Conflict (no such move) / PermissionDenied (another role's move)."""
        candidates = [m for m in self.moves if m.source == source and m.target == target]
        if not candidates:
            raise Conflict(f"{self.name}当前为“{self.labels[source]}”，不能转为“{self.labels[target]}”")
        for move in candidates:
            if move.role == role:
                return move
        roles = "、".join(self.role_labels.get(m.role, m.role) for m in candidates)
        raise PermissionDenied(f"“{self.labels[source]}”环节的这一步须由{roles}办理")
