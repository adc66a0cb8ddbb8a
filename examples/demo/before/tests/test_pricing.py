from decimal import Decimal

from shop.pricing import discount, shipping


def test_welcome_code() -> None:
    assert discount(Decimal("50"), "WELCOME10") == Decimal("5.00")


def test_unknown_code() -> None:
    assert discount(Decimal("50"), "NOPE") == Decimal("0")


def test_shipping() -> None:
    assert shipping(1.0) == Decimal("4.90")
    assert shipping(3.0) == Decimal("9.90")
