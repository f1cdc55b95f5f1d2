"""Task 1: ISBNField, a custom serializer field, called directly as a serializer calls it."""

import pytest
from kata_api import EXAMPLE_ISBN, ISBN_INVALID, isbn_checksum_error
from kata_fields import run

pytestmark = pytest.mark.task(1)

RULE_1 = "ISBNField subclasses serializers.Field and needs no arguments (task 1, rule 1)"
RULE_2 = "Input that is not a string is refused with the code 'invalid' (task 1, rule 2)"
RULE_3 = "Hyphens and spaces are removed, wherever they are (task 1, rule 3)"
RULE_4 = "After that, anything but exactly 13 digits 0-9 is 'invalid' (task 1, rule 4)"
RULE_5 = "A wrong check digit is refused with the code 'checksum' (task 1, rule 5)"
RULE_6 = "Valid input gives its 13 digits as a str (task 1, rule 6)"
RULE_7 = "to_representation shows the 13 digits as a str; they validate to the same value (task 1, rule 7)"


def check_digit(first12: str) -> int:
    total = sum(int(digit) * (3 if i % 2 else 1) for i, digit in enumerate(first12))
    return (10 - total % 10) % 10


def expect_value(outcome, expected: str, rule: str) -> None:
    assert outcome.accepted and type(outcome.value) is str and outcome.value == expected, (
        f"{rule}.\n  expected: the str {expected!r}\n  got:      {outcome.describe()}"
    )


def expect_error(outcome, code: str, message: str, rule: str) -> None:
    assert not outcome.accepted and outcome.code == code and outcome.message == message, (
        f"{rule}.\n  expected: ValidationError(code={code!r}, message={message!r})"
        f"\n  got:      {outcome.describe()}"
    )


def test_isbn_field_is_a_serializer_field_that_needs_no_arguments(isbn_field):
    from rest_framework import serializers

    assert isinstance(isbn_field, type) and issubclass(isbn_field, serializers.Field), (
        f"{RULE_1}: ISBNField is {isbn_field!r}."
    )
    try:
        isbn_field()
    except TypeError as error:
        raise AssertionError(f"{RULE_1}: ISBNField() raised TypeError: {error}") from None
    expect_value(run(isbn_field, EXAMPLE_ISBN), EXAMPLE_ISBN, RULE_1)


def test_non_string_input_is_invalid(isbn_field):
    for data in (9780306406157, 9780306406157.0, [EXAMPLE_ISBN], {"isbn": EXAMPLE_ISBN}, True):
        outcome = run(isbn_field, data)
        expect_error(
            outcome,
            "invalid",
            ISBN_INVALID,
            f"{RULE_2} — an ISBN is a code, not a number: never convert it with str()",
        )


def test_null_is_refused(isbn_field):
    outcome = run(isbn_field, None)
    assert not outcome.accepted and outcome.other is None, (
        f"{RULE_2}: null is refused with a ValidationError (DRF's own 'This field may not be "
        f"null.' does it when the field is left to Field.run_validation).\n  got: "
        f"{outcome.describe()}"
    )
    # The stub must not pass this test: the same field must accept a valid ISBN.
    expect_value(run(isbn_field, EXAMPLE_ISBN), EXAMPLE_ISBN, RULE_6)


def test_hyphens_and_spaces_are_removed(isbn_field):
    for data in (
        "978-0-306-40615-7",
        "978 0 306 40615 7",
        " 9780306406157 ",
        "978-0306406157",
        "9-7-8--0-3-0-6-4-0-6-1-5-7",
        " 978 - 0 - 306 - 40615 - 7 ",
    ):
        expect_value(run(isbn_field, data), EXAMPLE_ISBN, RULE_3)


def test_input_that_is_not_13_ascii_digits_is_invalid(isbn_field):
    cases = {
        "978030640615": "12 digits",
        "97803064061570": "14 digits",
        "978030640615X": "a letter",
        "97803O6406157": "the letter O for a zero",
        "0-306-40615-2": "an ISBN-10",
        "": "an empty string",
        "978_0306406157": "an underscore",
        "978.0.306.40615.7": "dots",
        "９７８０３０６４０６１５７": "full-width digits: str.isdigit() says yes, [0-9] says no",
    }
    for data, what in cases.items():
        expect_error(run(isbn_field, data), "invalid", ISBN_INVALID, f"{RULE_4} — {what}")


def test_wrong_check_digit_is_refused_naming_the_expected_digit(isbn_field):
    cases = [("9780306406158", 7, 8), ("978-0-306-40615-0", 7, 0), ("9780001000002", 1, 2)]
    # And one whose right check digit is 0: (10 - total % 10) % 10, with the last modulo.
    zero = next(
        first12 + "5"
        for first12 in (f"978000{n:06d}" for n in range(100))
        if check_digit(first12) == 0
    )
    cases.append((zero, 0, 5))
    for data, expected, got in cases:
        expect_error(run(isbn_field, data), "checksum", isbn_checksum_error(expected, got), RULE_5)


def test_valid_isbns_pass_for_every_check_digit(isbn_field):
    by_digit = {}
    for first12 in (f"978000{n:06d}" for n in range(200)):
        by_digit.setdefault(check_digit(first12), first12 + str(check_digit(first12)))
    valid = [by_digit[digit] for digit in range(10)] + ["9791032305690", "9798866450008"]
    for isbn in valid:
        expect_value(run(isbn_field, isbn), isbn, f"{RULE_6} — {isbn} is a valid ISBN-13")


def test_output_is_the_13_digit_string_and_round_trips(isbn_field):
    for stored in (EXAMPLE_ISBN, "9791032305690"):
        try:
            shown = isbn_field().to_representation(stored)
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001 - described for the learner
            raise AssertionError(
                f"{RULE_7}: to_representation({stored!r}) raised {type(error).__name__}: {error}"
            ) from None
        assert type(shown) is str and shown == stored, (
            f"{RULE_7}.\n  expected: to_representation({stored!r}) == {stored!r} (a str, "
            f"13 digits, no hyphens)\n  got:      {shown!r} ({type(shown).__name__})"
        )
        expect_value(run(isbn_field, shown), stored, RULE_7)
