from __future__ import annotations

import pytest

from chalicelib.core.phone import InvalidPhone, parse_phone


def test_a_phone_shows_only_its_last_four_digits_even_in_a_repr() -> None:
    phone = parse_phone("6285700000001")
    assert phone.masked == "*********0001"
    assert "6285700000001" not in repr(phone) and "6285700000001" not in str(phone)


def test_the_keyed_hash_depends_on_the_key() -> None:
    phone = parse_phone("6285700000001")
    assert phone.keyed_hash(b"a") != phone.keyed_hash(b"b")
    assert len(phone.keyed_hash(b"a")) == 64


@pytest.mark.parametrize(
    "value",
    [
        "",
        "08570000001",
        "+6285700000001",
        "6285 7000 0000",
        "1234567",
        "1" * 16,
        "٦٢٨٥٧٠٠٠٠٠٠٠١",
        6285700000001,
    ],
)
def test_anything_but_8_to_15_ascii_digits_without_a_leading_zero_is_invalid(value: object) -> None:
    with pytest.raises(InvalidPhone):
        parse_phone(value)
