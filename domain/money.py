"""Amounts of money: whole euro cents, never floats, read from and written as people write them.

Apart from the grant schemes' events, so that a sentence about an amount (the timeline's) needs
no process's events defined.
"""

from __future__ import annotations

from domain.errors import InvalidInputError
from domain.messages import N_


def whole_cents(amount: object) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise InvalidInputError(N_("an amount is a whole, non-negative number of euro cents"))
    if amount > 10**15:
        raise InvalidInputError(N_("an amount above 10 trillion euro is not plausible"))
    return amount


def parse_euros(text: str) -> int:
    """'1234567.89', '1.234.567,89' or '€ 1 234 567,89' -> 123456789 cents, exactly."""
    cleaned = text.strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    whole, _, fraction = cleaned.partition(".")
    if not whole.isdigit() or (fraction and (not fraction.isdigit() or len(fraction) > 2)):
        raise InvalidInputError(N_("an amount in euros like 1234567.89, not %(text)r", text=text))
    return whole_cents(int(whole) * 100 + int((fraction or "0").ljust(2, "0")))


def euros(cents: int) -> str:
    whole, rest = divmod(cents, 100)
    return f"€ {whole:,}".replace(",", ".") + f",{rest:02d}"
