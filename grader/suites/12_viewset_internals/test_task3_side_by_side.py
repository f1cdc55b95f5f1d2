"""Task 3: MiniModelViewSet answers like DRF's ModelViewSet, request after request."""

import pytest
from kata_compare import LIST, Generator, Sides, Step

pytestmark = pytest.mark.task(3)

# Generated sequences: enough to meet every verb, body and user many times, few enough to keep
# the whole exercise fast (each request runs twice, through the whole Django stack).
SEQUENCES = 16
LONGEST = 5


def test_generated_request_sequences_match_drfs_model_viewset(viewsets, world):
    generator = Generator(world, "12_viewset_internals/task3")
    sequences = generator.sequences(count=SEQUENCES, longest=LONGEST)
    Sides(viewsets, world).check(sequences, "task 3, rule 1")


def test_options_answers_the_same_metadata(viewsets, world):
    alices, bobs = (f"{LIST}{pk}/" for pk in (world.books[0], world.books[2]))
    sequences = [
        (Step(None, "OPTIONS", LIST),),
        (Step("alice", "OPTIONS", LIST),),
        (Step("alice", "OPTIONS", alices),),
        (Step("alice", "OPTIONS", bobs),),
    ]
    Sides(viewsets, world).check(sequences, "task 3, rule 2", generated=False)


def test_head_answers_like_get(viewsets, world):
    alices = f"{LIST}{world.books[0]}/"
    sequences = [
        (Step(None, "HEAD", LIST), Step("alice", "HEAD", LIST + "?page=2")),
        (Step("bob", "HEAD", alices), Step("bob", "HEAD", f"{LIST}9999/")),
    ]
    Sides(viewsets, world).check(sequences, "task 3, rule 3", generated=False)


def test_methods_a_route_does_not_map_answer_405_like_drf(viewsets, world):
    alices = f"{LIST}{world.books[0]}/"
    body = (("title", "Kindred"),)
    sequences = [
        (Step("alice", "PUT", LIST, body),),
        (Step("alice", "PATCH", LIST, body), Step("alice", "DELETE", LIST)),
        (Step("alice", "POST", alices, body),),
        (Step(None, "TRACE", LIST), Step("bob", "TRACE", alices)),
    ]
    Sides(viewsets, world).check(sequences, "task 3, rule 4", generated=False)
