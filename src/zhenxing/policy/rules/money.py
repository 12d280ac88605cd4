"""P3: money is integer fen end to end; thresholds compare without dividing."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN_PER_YUAN = 100
# Far above any household's money in a year; keeps Decimal arithmetic exact and every sum of a household's
# amounts inside a 64-bit integer of fen. Every way money comes in (API, contract, forms) is bounded by it.
MAX_YUAN = 10**12
_CENT = Decimal("0.01")


def yuan_to_fen(amount: Decimal | int) -> int:
    """Exact conversion; callers have already refused amounts with more than 2 decimals."""
    fen = Decimal(amount) * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} has more than 2 decimals")
    return int(fen)


def fen_to_yuan(fen: int) -> float:
    return float(Decimal(fen) / FEN_PER_YUAN)


def per_capita_yuan(total_fen: int, members: int) -> float:
    """For display and output only (P3): total / members, rounded half up to 2 decimals."""
    return float((Decimal(total_fen) / FEN_PER_YUAN / members).quantize(_CENT, rounding=ROUND_HALF_UP))


def below_line(total_fen: int, line_fen: int, members: int) -> bool:
    """P3/P4: per-capita income below the line, decided as total < line × members (no division)."""
    return total_fen < line_fen * members
