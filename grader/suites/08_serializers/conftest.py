"""Hidden suite of exercise 08 — serializers (ModelSerializer 类简写, and everything around it).

The learner writes library/serializers.py: ISBNField (a custom field), BookSerializer (nested
author on read, author_id on write, read-only owner / average_rating / id / created_at, field,
uniqueness and cross-field validation, partial updates) and ReviewSerializer (the reader from the
request, a rating message, one review per reader and book, no review of your own book).
AuthorSerializer and the views and URLs are given. Task 1 calls ISBNField directly, as a
serializer does (`ISBNField().run_validation(data)`, error codes from ErrorDetail.code); tasks
2-4 go through the given DRF generic views with DRF's APIClient (force_authenticate) on SQLite,
and check status, exact bodies and the rows saved. An exception in a view is turned into the 500
a client would get and explained (kata_api.send), except NotImplementedError, which the grader
reports as "not implemented yet". When a task 2-4 request sends a valid ISBN and the answer is
a 400 with an "isbn" error, kata_api.send asks the learner's ISBNField about that ISBN; if the
field refuses it, the failure starts with "your ISBNField (task 1) refused it: fix task 1
first", before the test's own rule. Any correct mechanism passes: a nested AuthorSerializer or a
SerializerMethodField for author, a PrimaryKeyRelatedField or an IntegerField checked in
validate_author_id for author_id, a SerializerMethodField or another read-only field,
UniqueValidator or validate_isbn, HiddenField(CurrentUserDefault()) or a validate() that reads
self.context["request"].user, an IntegerField or a ChoiceField for rating,
UniqueTogetherValidator or a hand check. The README leaves two edges open and the suite sends
neither: whitespace other than spaces inside an ISBN (removed or refused), and a rating of 4.0
or "4" (read as 4 or refused).

Wrong answers this suite rejects:
Task 1, ISBNField:
- Any check digit is accepted — test_wrong_check_digit_is_refused_naming_the_expected_digit,
  test_bad_isbn_is_refused_under_isbn_with_the_fields_message.
- Hyphens and spaces not removed, so a hyphenated ISBN is invalid —
  test_hyphens_and_spaces_are_removed,
  test_isbn_written_with_hyphens_is_stored_and_read_as_13_digits.
- Only the ends stripped (data.strip()): hyphens and inner spaces stay —
  test_hyphens_and_spaces_are_removed.
- to_representation returns the ISBN as an int (a JSON number) —
  test_output_is_the_13_digit_string_and_round_trips,
  test_isbn_written_with_hyphens_is_stored_and_read_as_13_digits.
- to_representation formats the ISBN with hyphens (978-0-306-40615-7) —
  test_output_is_the_13_digit_string_and_round_trips,
  test_isbn_written_with_hyphens_is_stored_and_read_as_13_digits.
- A JSON number converted with str() instead of refused — test_non_string_input_is_invalid,
  test_bad_isbn_is_refused_under_isbn_with_the_fields_message.
- str.isdigit() instead of [0-9]: full-width digits accepted —
  test_input_that_is_not_13_ascii_digits_is_invalid.
- The check digit as 10 - total % 10, without the last % 10: a check digit 0 never matches —
  test_valid_isbns_pass_for_every_check_digit,
  test_wrong_check_digit_is_refused_naming_the_expected_digit.
- Weights starting with 3 (3, 1, 3, …) instead of 1 — test_valid_isbns_pass_for_every_check_digit.
- The check digit error raised without its code (ValidationError's default code is 'invalid')
  — test_wrong_check_digit_is_refused_naming_the_expected_digit.
- ISBNField subclassing CharField and leaving input to it: numbers turned into strings, '' is
  'blank' — test_non_string_input_is_invalid, test_input_that_is_not_13_ascii_digits_is_invalid.
Task 2, the book's shape:
- A writable nested author: a PATCH with 'author' reaches ModelSerializer.update, which refuses
  nested writes (500) — test_nested_author_sent_in_the_body_is_ignored.
- author_id not write-only: reads show it — test_book_reads_with_exactly_the_readme_keys,
  test_writes_name_the_author_by_author_id.
- author_id as a plain IntegerField: an unknown author id is saved (a dangling foreign key) —
  test_unknown_or_missing_author_id_is_refused_under_author_id.
- author read as the author's id, not nested — test_author_is_nested_in_reads,
  test_valid_book_is_created_and_reads_back.
- owner as a writable username field: a PATCH moves the book to another user —
  test_read_only_fields_sent_in_a_patch_are_ignored.
- owner read as the user's id, not the username — test_valid_book_is_created_and_reads_back,
  test_owner_is_the_requesting_user_whatever_the_body_says.
- average_rating not rounded, cut (4.66) instead of rounded (4.67), 0 instead of null without
  reviews, or a string ("4.67") — test_average_rating_is_the_rounded_mean_or_null.
Task 3, validating a book:
- isbn = ISBNField() without a uniqueness check: a duplicate reaches the database (500) —
  test_duplicate_isbn_is_refused, test_duplicate_isbn_written_with_hyphens_is_refused.
- Uniqueness checked on the raw input (a CharField's UniqueValidator), then validate_isbn cleans
  it: a hyphenated duplicate reaches the database —
  test_duplicate_isbn_written_with_hyphens_is_refused.
- A hand-written uniqueness check that does not leave out the book being updated —
  test_book_saved_again_with_its_own_isbn_is_not_a_duplicate.
- The uniqueness error with ModelSerializer's message ('book with this ISBN-13 already
  exists.') — test_duplicate_isbn_is_refused.
- The title only stripped: runs of whitespace inside stay —
  test_title_is_trimmed_and_inner_whitespace_collapsed.
- A title that needs a letter (isalpha: '1984' refused) or an ASCII character ('三体' refused)
  — test_titles_with_digits_or_any_script_are_accepted.
- validate_title that only cleans: a title without a letter or digit is saved —
  test_title_without_a_letter_or_digit_is_refused,
  test_patch_with_a_bad_title_fails_on_title_only.
- The published/birth year rule only on create: a PATCH skips it —
  test_patch_of_the_date_is_checked_against_the_books_author,
  test_patch_of_the_author_is_checked_against_the_books_date.
- The rule reading the author (or the date) from attrs only: a PATCH of the other field alone
  is checked against nothing — test_patch_of_the_date_is_checked_against_the_books_author,
  test_patch_of_the_author_is_checked_against_the_books_date.
- validate() reading attrs['author'] and attrs['published']: a PATCH without them is a KeyError
  (500) — test_patch_with_one_field_needs_no_other_field.
- The cross-field error raised without a key: it lands under non_field_errors —
  test_book_published_before_its_author_was_born_is_refused.
- The rule with <= (the birth year itself refused), or comparing with a null birth year
  (TypeError, 500) — test_published_rule_allows_the_birth_year_and_unknown_years.
Task 4, reviews:
- A rating without bounds (0 and 6 saved), with DRF's own messages, or with the README's message
  for the range only ('five' gets 'A valid integer is required.') —
  test_rating_outside_1_to_5_is_refused_with_one_message.
- No uniqueness check for (book, reader): the second review is a 500 IntegrityError —
  test_second_review_of_the_same_book_is_refused.
- ModelSerializer's own UniqueTogetherValidator answering ('The fields book, user must make a
  unique set.') — test_second_review_of_the_same_book_is_refused.
- The duplicate refused in validate_book: under 'book', and your own review cannot be updated —
  test_second_review_of_the_same_book_is_refused,
  test_updating_your_own_review_is_not_a_duplicate.
- A hand-written duplicate check that does not leave out the review being updated —
  test_updating_your_own_review_is_not_a_duplicate.
- A review of your own book allowed, or refused under 'book' —
  test_review_of_a_book_you_own_is_refused.
- The reader taken from the body (a writable user id) —
  test_reader_is_the_requesting_user_whatever_the_body_says.
- The review showing 'user' (an id) instead of 'reader' (the username) —
  test_review_reads_with_exactly_the_readme_keys.

Rule table (README task.rule → tests):
    1.1  test_isbn_field_is_a_serializer_field_that_needs_no_arguments
    1.2  test_non_string_input_is_invalid, test_null_is_refused
    1.3  test_hyphens_and_spaces_are_removed
    1.4  test_input_that_is_not_13_ascii_digits_is_invalid
    1.5  test_wrong_check_digit_is_refused_naming_the_expected_digit, test_valid_isbns_pass_for_every_check_digit
    1.6  test_valid_isbns_pass_for_every_check_digit, test_hyphens_and_spaces_are_removed
    1.7  test_output_is_the_13_digit_string_and_round_trips
    2.1  test_book_reads_with_exactly_the_readme_keys
    2.2  test_author_is_nested_in_reads, test_nested_author_sent_in_the_body_is_ignored
    2.3  test_writes_name_the_author_by_author_id, test_unknown_or_missing_author_id_is_refused_under_author_id, test_book_reads_with_exactly_the_readme_keys
    2.4  test_isbn_written_with_hyphens_is_stored_and_read_as_13_digits
    2.5  test_owner_is_the_requesting_user_whatever_the_body_says, test_read_only_fields_sent_in_a_patch_are_ignored, test_valid_book_is_created_and_reads_back
    2.6  test_average_rating_is_the_rounded_mean_or_null, test_owner_is_the_requesting_user_whatever_the_body_says, test_read_only_fields_sent_in_a_patch_are_ignored
    2.7  test_owner_is_the_requesting_user_whatever_the_body_says, test_read_only_fields_sent_in_a_patch_are_ignored
    2.8  test_valid_book_is_created_and_reads_back
    3.1  test_title_is_trimmed_and_inner_whitespace_collapsed
    3.2  test_title_without_a_letter_or_digit_is_refused, test_titles_with_digits_or_any_script_are_accepted, test_patch_with_a_bad_title_fails_on_title_only
    3.3  test_bad_isbn_is_refused_under_isbn_with_the_fields_message
    3.4  test_duplicate_isbn_is_refused, test_duplicate_isbn_written_with_hyphens_is_refused
    3.5  test_book_saved_again_with_its_own_isbn_is_not_a_duplicate
    3.6  test_book_published_before_its_author_was_born_is_refused, test_published_rule_allows_the_birth_year_and_unknown_years
    3.7  test_patch_with_one_field_needs_no_other_field, test_patch_with_a_bad_title_fails_on_title_only
    3.8  test_patch_of_the_date_is_checked_against_the_books_author, test_patch_of_the_author_is_checked_against_the_books_date
    4.1  test_review_reads_with_exactly_the_readme_keys, test_another_reader_may_review_the_same_book
    4.2  test_reader_is_the_requesting_user_whatever_the_body_says
    4.3  test_rating_outside_1_to_5_is_refused_with_one_message, test_rating_boundaries_are_accepted
    4.4  test_second_review_of_the_same_book_is_refused, test_another_reader_may_review_the_same_book
    4.5  test_updating_your_own_review_is_not_a_duplicate
    4.6  test_review_of_a_book_you_own_is_refused
"""

import pytest

SERIALIZER_NAMES = ("ISBNField", "AuthorSerializer", "BookSerializer", "ReviewSerializer")


@pytest.fixture
def library_serializers():
    """The learner's library/serializers.py, imported through the grader's loader."""
    from grader.loader import load

    return load("library.serializers")


@pytest.fixture
def isbn_field(library_serializers):
    return library_serializers.ISBNField


@pytest.fixture
def learner_api(library_serializers):
    """The given views and URLs, imported before any request: a broken or incomplete
    serializers.py is reported with the loader's words, not as a failure inside a request."""
    from grader.loader import load

    for name in SERIALIZER_NAMES:
        getattr(library_serializers, name)
    load("library.urls")


@pytest.fixture
def client_for(learner_api, db):
    """``client_for(user)``: DRF's APIClient, logged in as ``user`` (force_authenticate)."""
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def as_alice(client_for, alice):
    return client_for(alice)


@pytest.fixture
def as_bob(client_for, bob):
    return client_for(bob)


@pytest.fixture
def carol(db, django_user_model):
    return django_user_model.objects.create_user("carol", "carol@example.com", "carol-password")


@pytest.fixture
def le_guin(db):
    from library.models import Author

    return Author.objects.create(name="Ursula K. Le Guin", birth_year=1929)


@pytest.fixture
def chiang(db):
    from library.models import Author

    return Author.objects.create(name="Ted Chiang", birth_year=1967)


@pytest.fixture
def left_hand(make_book, alice, le_guin):
    """Alice's book: The Left Hand of Darkness, by Le Guin (born 1929), published 1969."""
    import datetime

    return make_book(
        alice,
        "The Left Hand of Darkness",
        author=le_guin,
        isbn="9780441478125",
        published=datetime.date(1969, 3, 1),
        pages=304,
    )
