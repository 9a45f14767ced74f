"""Join codes, trainer keys and handles: the pieces a person reads, types or says aloud."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recovery_capital.store.errors import InvalidHandle, UnknownCohort
from recovery_capital.store.handles import (
    MAX_HANDLE_LENGTH,
    generate_handle,
    handle_key,
    validate_handle,
)
from recovery_capital.store.keys import (
    CODE_ALPHABET,
    hash_key,
    new_join_code,
    new_trainer_key,
    normalise_code,
    verify_key,
)

LOOK_ALIKES = set("0O1IL")


def test_join_code_alphabet_has_no_look_alikes_and_codes_use_it() -> None:
    assert not LOOK_ALIKES & set(CODE_ALPHABET)
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET) == 31
    codes = {new_join_code() for _ in range(500)}
    assert len(codes) > 490  # random, not a counter
    assert all(len(c) == 8 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert all(normalise_code(c.lower()) == c for c in codes)


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Please enter"), ("K7P2", "8 letters"), ("K7P2Q9", "8 letters"), ("KOP2Q", "never use"),
     ("K7P2?", "8 letters"), (12345, "must be text")],
)  # fmt: skip
def test_malformed_codes_are_explained(typed: object, message: str) -> None:
    with pytest.raises(UnknownCohort, match=message):
        normalise_code(typed)


def test_trainer_keys_are_random_readable_and_hashed_with_salt() -> None:
    keys = {new_trainer_key() for _ in range(50)}
    assert len(keys) == 50
    key = keys.pop()
    assert set(key.replace("-", "")) <= set(CODE_ALPHABET)
    first, second = hash_key(key), hash_key(key)
    assert first != second  # salted
    assert key not in first and key.replace("-", "") not in first
    assert verify_key(key, first) and verify_key(f"  {key.lower()} ", second)
    assert not verify_key(key[:-1], first)
    assert not verify_key(key, "md5$abc")  # unknown scheme
    assert not verify_key(key, "scrypt$broken")
    assert not verify_key("x" * 10_000, first)
    assert not verify_key(key, None)


def test_generated_handles_are_valid_and_varied() -> None:
    rng = random.Random(7)
    handles = [generate_handle(rng) for _ in range(300)]
    assert all(validate_handle(h) == h for h in handles)
    assert len(set(handles)) > 250
    assert len({generate_handle() for _ in range(50)}) > 40


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("fox-12", "fox-12"), ("  Sam  ", "Sam"), ("Zoë 2", "Zoë 2"), ("李小龙", "李小龙"),
     ("नमस्ते", "नमस्ते"), ("a.b_c-d", "a.b_c-d"), ("x" * 40, "x" * 40), ("fox\n\t12", "fox 12")],
)  # fmt: skip
def test_reasonable_handles_are_kept(typed: str, expected: str) -> None:
    assert validate_handle(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "x" * 41, "<b>", "a&b", 'say "hi"', "it's", "-fox", ".fox", "a/b",
     "javascript:alert(1)", "\u202eevil"],
)  # fmt: skip
def test_unsafe_or_unusable_handles_are_refused(typed: str) -> None:
    with pytest.raises(InvalidHandle):
        validate_handle(typed)


def test_handle_messages_never_repeat_the_whole_input() -> None:
    with pytest.raises(InvalidHandle) as caught:
        validate_handle("<script>alert('x')</script>")
    assert "<script>" not in str(caught.value)
    with pytest.raises(InvalidHandle) as caught:
        validate_handle("y" * 5000)
    assert "yyyyyyyyyy" not in str(caught.value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable + "éßЖ李<>&\"'\u0000\u200b", max_size=60))
def test_any_accepted_handle_is_short_plain_and_stable(typed: str) -> None:
    try:
        cleaned = validate_handle(typed)
    except InvalidHandle:
        return
    assert 1 <= len(cleaned) <= MAX_HANDLE_LENGTH
    assert not set(cleaned) & set("<>&\"'/\\\n\t\u0000\u200b")
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert validate_handle(cleaned) == cleaned
    assert handle_key(cleaned) == handle_key(cleaned.swapcase()) or not cleaned.isascii()
