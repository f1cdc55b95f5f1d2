"""Task 1: probe_sequence(hash_value, size) follows CPython's probe recurrence."""

from itertools import islice

import pytest
from compact_helpers import same, shown, slot_sequence

SIZES = [1, 2, 8, 16, 64, 1024, 2**20]
HASHES = [
    0,
    1,
    5,
    7,
    8,
    12345,
    2**31 - 1,
    2**61 - 1,
    2**63 - 1,
    0x5F3759DF_0BADF00D,
    2**64 + 5,
    2**80 + 12345,
]
NEGATIVE_HASHES = [-2, hash(-1), -3, -12345, -(2**31), -(2**63), -(2**63) + 1]
COUNT = 40


def first(generator, count):
    return list(islice(generator, count))


@pytest.mark.task(1)
def test_probe_sequence_follows_the_cpython_recurrence(cd):
    for size in SIZES:
        for hash_value in HASHES + [hash((1, 2, 3))]:
            expected = slot_sequence(hash_value, size, COUNT)
            got = first(cd.probe_sequence(hash_value, size), COUNT)
            assert same(got, expected), (
                f"probe_sequence({hash_value}, {size}) must follow the recurrence "
                f"perturb >>= 5; i = (5*i + 1 + perturb) & mask, shifting perturb BEFORE "
                f"computing the next slot (task 1, rules 3-4).\n"
                f"expected the first {COUNT} slots {expected}\ngot {got}"
                + ("" if got != expected else ": equal values, but not all of them are ints")
            )


@pytest.mark.task(1)
def test_probe_sequence_treats_negative_hashes_as_unsigned(cd):
    for size in SIZES:
        for hash_value in NEGATIVE_HASHES:
            expected = slot_sequence(hash_value, size, COUNT)
            got = first(cd.probe_sequence(hash_value, size), COUNT)
            assert same(got, expected), (
                f"probe_sequence({hash_value}, {size}): a negative hash must be taken as an "
                f"unsigned 64-bit number, perturb = hash_value & (2**64 - 1), like CPython's "
                f"size_t cast (task 1, rule 2). Python's >> on a negative int keeps it negative.\n"
                f"expected the first {COUNT} slots {expected}\ngot {got}"
            )


@pytest.mark.task(1)
def test_probe_sequence_reaches_every_slot(cd):
    for size in [1, 2, 4, 8, 32, 256, 4096]:
        for hash_value in [0, 1, 12345, -2, -(2**63), 2**63 - 1]:
            # perturb is 0 after at most 13 shifts; then 5*i + 1 visits all slots in `size` steps.
            limit = size + 64
            seen = set()
            for slot in islice(cd.probe_sequence(hash_value, size), limit):
                assert type(slot) is int and 0 <= slot < size, (
                    f"probe_sequence({hash_value}, {size}) must yield slot numbers in "
                    f"range(0, {size}) (task 1, rule 3); got {shown(slot)}"
                )
                seen.add(slot)
            missing = sorted(set(range(size)) - seen)
            assert not missing, (
                f"probe_sequence({hash_value}, {size}) must reach every slot of the table "
                f"(task 1, rule 5): after {limit} probes these slots were never visited: "
                f"{missing[:20]}{' …' if len(missing) > 20 else ''}"
            )


@pytest.mark.task(1)
def test_probe_sequence_never_ends(cd):
    got = first(cd.probe_sequence(12345, 8), 10_000)
    assert len(got) == 10_000, (
        f"probe_sequence must be endless: a caller stops when it finds its slot (task 1, "
        f"rule 5); it stopped after {len(got)} values"
    )


@pytest.mark.task(1)
def test_probe_sequence_rejects_sizes_that_are_not_powers_of_two(cd):
    for size in [0, 3, 6, 12, 100, -8]:
        try:
            # The error may come from the call or from the first next(): both are fine.
            next(iter(cd.probe_sequence(12345, size)))
        except ValueError:
            continue
        pytest.fail(
            f"probe_sequence(12345, {size}) must raise ValueError: the size of an index "
            f"table is a power of two, at least 1 (task 1, rule 1)",
            pytrace=False,
        )
