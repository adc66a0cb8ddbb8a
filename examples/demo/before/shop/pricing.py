"""Prices and discounts."""

from __future__ import annotations

from decimal import Decimal


def discount(total: Decimal, code: str) -> Decimal:
    """The discount a promotion code gives on an order total."""
    if code == "WELCOME10":
        return (total * Decimal("0.10")).quantize(Decimal("0.01"))
    return Decimal("0")


def shipping(weight_kg: float) -> Decimal:
    return Decimal("4.90") if weight_kg < 2 else Decimal("9.90")
