"""Side by side: the same requests to DRF's ModelViewSet and to the learner's MiniModelViewSet.

Both viewsets are ``kata_books.book_viewset`` on their base class: same name, docstring,
queryset, serializers, permissions, paginator and hooks; both are routed by a SimpleRouter at
/kata/books/ with the basename "kata-book", so even the `url` links in the bodies are the same.
A sequence of requests (``Step``) runs on each side inside a savepoint that is rolled back, so
both start from the same rows (and the same next id). Each answer is reduced to an
``Outcome``: status, parsed body, and the headers that matter; the rows of the books table
after the last request are compared too. Generated sequences come from a fixed seed, shortest
first; a failing one is simplified (requests removed while it still fails) before it is shown.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from http import HTTPStatus

from kata_books import book_viewset
from kata_http import call
from kata_routes import serve

from grader.api_calls import BODY_LIMIT
from grader.library_fixtures import isbn13

LIST = "/kata/books/"
HEADERS = ("Allow", "Location", "Content-Type", "Vary", "WWW-Authenticate")
VIEWSET = (
    "(Both sides: one book viewset, only the base class differs. The serializer depends on "
    "self.action (list: url, id, title); IsAuthenticatedOrReadOnly, owners alone change a "
    "book; 2 per page; perform_create sets the owner. A SimpleRouter serves it.)"
)
# The rule of task 1 or 2 each route and method most likely breaks, when the answers differ.
ACTION_RULES = {
    ("GET", False): (
        "task 2, rule 1: list is filter_queryset(get_queryset()), then paginate_queryset(); "
        "a page is serialized with get_serializer(page, many=True) and answered by "
        "get_paginated_response()"
    ),
    ("POST", False): (
        "task 2, rule 2: create validates with is_valid(raise_exception=True) (400 with the "
        "errors), saves with perform_create(), answers 201 Created with serializer.data and "
        "the headers of get_success_headers()"
    ),
    ("GET", True): (
        "task 2, rule 3: retrieve finds the book with self.get_object() and answers 200 "
        "with its serialized data"
    ),
    ("PUT", True): (
        "task 2, rule 4: update gets the book with get_object(), validates every required "
        "field (partial=False), saves with perform_update(), answers 200 with serializer.data"
    ),
    ("PATCH", True): (
        "task 2, rule 5: partial_update is self.update(request, *args, partial=True, "
        "**kwargs): only the fields sent are validated and changed"
    ),
    ("DELETE", True): (
        "task 2, rule 6: destroy gets the book with get_object(), calls perform_destroy(), "
        "answers 204 No Content with no body"
    ),
}


@dataclass(frozen=True)
class World:
    """The rows every sequence starts from (made by the `world` fixture)."""

    users: dict
    books: tuple[int, ...]  # ids: two of alice's, then one of bob's
    isbns: tuple[str, ...]
    titles: tuple[str, ...]
    authors: tuple[int, ...]

    def describe(self) -> str:
        owners = ("alice", "alice", "bob")
        books = ", ".join(
            f"#{pk} {title!r} (owner {owner})"
            for pk, title, owner in zip(self.books, self.titles, owners, strict=True)
        )
        return f"At the start: books {books}; authors #{self.authors[0]} and #{self.authors[1]}."


@dataclass(frozen=True)
class Step:
    who: str | None  # "alice", "bob", or None for an anonymous client
    method: str
    path: str
    body: tuple | None = None  # the data as (key, value) pairs
    fmt: str = "json"  # or "multipart" (a form)

    def data(self):
        return None if self.body is None else dict(self.body)

    def describe(self) -> str:
        who = self.who or "anonymous"
        text = f"as {who}: {self.method} {self.path}"
        if self.body is not None:
            text += f"  {json.dumps(self.data(), ensure_ascii=False)}"
            if self.fmt != "json":
                text += f" (as a {self.fmt} form)"
        return text


@dataclass(frozen=True)
class Outcome:
    status: int
    body: object
    headers: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        body = self.body
        shown = "(empty body)" if body in (None, "") else _short(body)
        headers = "".join(f"\n           {name}: {value}" for name, value in self.headers)
        return f"{self.status} {_reason(self.status)}  {shown}{headers}"

    def differences(self, other: Outcome) -> list[str]:
        found = []
        if self.status != other.status:
            found.append("the status code")
        if _canonical(self.body) != _canonical(other.body):
            found.append("the body")
        mine, theirs = dict(self.headers), dict(other.headers)
        for name in HEADERS:
            if mine.get(name) != theirs.get(name):
                found.append(f"the {name} header")
        return found


@dataclass(frozen=True)
class Run:
    outcomes: tuple[Outcome, ...]
    rows: tuple


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _short(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + " …"


def _canonical(body):
    # Same JSON, same types: 1 and "1" differ, and so do 1 and True.
    return json.dumps(body, sort_keys=True)


# ── running one side ─────────────────────────────────────────────────────────────────────────


def _send(client, step: Step) -> Outcome:
    exchange = call(client, step.method, step.path, step.data(), format=step.fmt)
    headers = tuple(
        (name, exchange.header(name)) for name in HEADERS if exchange.header(name) is not None
    )
    return Outcome(exchange.status, exchange.body, headers)


def _rows() -> tuple:
    from library.models import Book

    rows = Book.objects.order_by("id").values_list(
        "id", "title", "isbn", "author_id", "owner_id", "published", "pages"
    )
    return tuple(tuple(str(v) if v is not None else None for v in row) for row in rows)


def clients(world: World) -> dict:
    """One APIClient per reader (and one anonymous): switching users on one client is slow."""
    from rest_framework.test import APIClient

    made = {None: APIClient()}
    for who, user in world.users.items():
        made[who] = APIClient()
        made[who].force_authenticate(user)
    return made


def run(steps: tuple[Step, ...], readers: dict) -> Run:
    """Send ``steps`` to the viewset served now; every change is rolled back afterwards."""
    from django.db import transaction

    savepoint = transaction.savepoint()
    try:
        outcomes = [_send(readers[step.who], step) for step in steps]
        return Run(tuple(outcomes), _rows())
    finally:
        transaction.savepoint_rollback(savepoint)


class Sides:
    """The DRF viewset and the learner's, each run on many sequences with one routing each."""

    def __init__(self, viewsets_module, world: World):
        from rest_framework.viewsets import ModelViewSet

        self.world = world
        self.readers = clients(world)
        self.drf = book_viewset(ModelViewSet)
        self.mini = book_viewset(viewsets_module.MiniModelViewSet)

    def run_all(self, viewset: type, sequences: list) -> list[Run]:
        serve(viewset)
        return [run(steps, self.readers) for steps in sequences]

    def mismatch(self, steps: tuple[Step, ...], rule: str) -> str | None:
        expected = self.run_all(self.drf, [steps])[0]
        got = self.run_all(self.mini, [steps])[0]
        return explain(steps, expected, got, rule, self.world)

    def check(self, sequences: list, rule: str, generated: bool = True) -> None:
        """Compare every sequence; the first failing one is explained (simplified if generated)."""
        expected = self.run_all(self.drf, sequences)
        got = self.run_all(self.mini, sequences)
        for steps, want, have in zip(sequences, expected, got, strict=True):
            message = explain(steps, want, have, rule, self.world)
            if message is None:
                continue
            if generated:
                steps, message = self.shrink(steps, message, rule)
                message += f"\n(One of {len(sequences)} generated sequences, simplified.)"
            raise AssertionError(message)

    def shrink(self, steps, message, rule, budget: int = 25):
        """Drop requests while the difference remains: a short sequence teaches best."""
        improved = True
        while improved and budget > 0 and len(steps) > 1:
            improved = False
            for i in range(len(steps)):
                budget -= 1
                candidate = steps[:i] + steps[i + 1 :]
                found = self.mismatch(candidate, rule)
                if found is not None:
                    steps, message, improved = candidate, found, True
                    break
                if budget <= 0:
                    break
        return steps, message


def likely_rule(step: Step, want: Outcome, have: Outcome, differences: list[str]) -> str:
    """The task 1 or task 2 rule this first difference most likely comes from."""
    detail = step.path.split("?")[0] != LIST
    crashed = "Your code raised an error: the 500 above says where. " if have.status == 500 else ""
    # A crash has no Allow header: that difference says nothing about the binding then.
    allow_differs = "the Allow header" in differences and not crashed
    if 405 in (want.status, have.status) or allow_differs:
        found = (
            "task 1, rules 5 and 6: each view binds, on its own new instance, only the methods "
            "its route maps (and HEAD to the GET action); APIView.dispatch answers 405 for the "
            "others, and the Allow header lists the mapped methods, HEAD and OPTIONS"
        )
    elif step.method == "OPTIONS":
        found = (
            'task 1, rule 7 (self.action is "metadata" for OPTIONS: it chooses the '
            "serializer OPTIONS describes) and rules 5 and 10 (the router's suffix, detail and "
            'basename are attributes of the instance: the name "Book List" needs suffix)'
        )
    elif step.method == "HEAD":
        found = (
            "task 1, rule 6: HEAD runs the GET action (self.action too); then "
            + ACTION_RULES["GET", detail]
        )
    elif "the Location header" in differences:
        found = (
            "task 2, rule 2: the Location header comes from get_success_headers("
            "serializer.data): the new book's url"
        )
    elif detail and want.status in (403, 404):
        found = (
            "task 2, rules 3 to 6: find the book with self.get_object() (404 when nothing "
            "matches, 403 when the object permission says no)"
        )
    else:
        found = ACTION_RULES.get((step.method, detail), "task 2, rules 1 to 6")
        if not detail and step.method == "GET" and want.status == have.status:
            found += (
                '. The list serializer is chosen by self.action: it must be "list", set in '
                "initialize_request (task 1, rule 7)"
            )
    return f"{crashed}Most likely: {found}."


def explain(steps, expected: Run, got: Run, rule: str, world: World) -> str | None:
    """None when both runs agree, else the requests up to the first difference, explained."""
    lines = [
        f"Your MiniModelViewSet did not answer like DRF's ModelViewSet ({rule}).",
        world.describe(),
        "Requests:",
    ]
    for number, (step, want, have) in enumerate(
        zip(steps, expected.outcomes, got.outcomes, strict=True), 1
    ):
        lines.append(f"  {number}. {step.describe()}")
        differences = want.differences(have)
        if not differences:
            lines.append(f"     both answered: {want.describe()}")
            continue
        lines.append(f"     DRF's ModelViewSet answered: {want.describe()}")
        lines.append(f"     your MiniModelViewSet answered: {have.describe()}")
        lines.append(f"     Different: {', '.join(differences)}.")
        lines.append(likely_rule(step, want, have, differences))
        lines.append(VIEWSET)
        return "\n".join(lines)
    if expected.rows != got.rows:
        lines.append("Every answer was the same, but the books table afterwards differs:")
        lines.append(f"  after DRF's ModelViewSet: {list(expected.rows)}")
        lines.append(f"  after your MiniModelViewSet: {list(got.rows)}")
        lines.append("  (id, title, isbn, author id, owner id, published, pages)")
        lines.append(
            "Most likely: task 2, rules 2, 4, 6 and 7: create, update and destroy save through "
            "perform_create(), perform_update() and perform_destroy(); a refused request "
            "(400, 403, 404) changes nothing."
        )
        lines.append(VIEWSET)
        return "\n".join(lines)
    return None


# ── generated sequences ──────────────────────────────────────────────────────────────────────

TITLES = ("Dune", "Kindred", "Solaris", "The Dispossessed", "Piranesi")
WHO = {"alice": 5, "bob": 3, None: 2}
KINDS = {
    "list": 10,
    "create": 18,
    "retrieve": 10,
    "update": 12,
    "partial_update": 14,
    "destroy": 8,
    "options": 6,
    "head": 6,
    "unsupported": 8,
}


def _pick(rng: random.Random, weighted: dict):
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


class Generator:
    """Random but reproducible request sequences over the world's rows."""

    def __init__(self, world: World, seed: str):
        self.world = world
        self.rng = random.Random(seed)
        self.numbers = iter(range(700_000_000, 800_000_000, 7919))

    def detail_path(self) -> str:
        rng, books = self.rng, self.world.books
        # Existing books mostly; the next ids (books this sequence may create); unknown ones.
        choices = [*books, *books, max(books) + 1, max(books) + 2, 9999, "abc"]
        return f"{LIST}{rng.choice(choices)}/"

    def book(self, multipart: bool) -> dict:
        rng = self.rng
        data = {
            "title": rng.choice(TITLES),
            "isbn": isbn13(next(self.numbers)),
            "author": rng.choice(self.world.authors),
        }
        if rng.random() < 0.5:
            data["pages"] = rng.randint(1, 900)
        if rng.random() < 0.3:
            data["published"] = rng.choice(["1969-03-01", "2002-01-01"])
        if not multipart and rng.random() < 0.1:
            data["pages"] = None
        if rng.random() < 0.05:
            data["shelf"] = "B7"  # a field the serializer does not know: ignored
        return data

    def spoil(self, data: dict, multipart: bool) -> dict:
        """One mistake in an otherwise valid body."""
        rng, data = self.rng, dict(data)
        mistakes = [
            lambda d: d.pop(rng.choice(["title", "isbn", "author"]), None),
            lambda d: d.update(title=""),
            lambda d: d.update(title="x" * 201),
            lambda d: d.update(isbn=rng.choice(["978-0-306-40615-7", "12345"])),
            lambda d: d.update(isbn=rng.choice(self.world.isbns)),
            lambda d: d.update(author=9999),
            lambda d: d.update(pages=-3),
            lambda d: d.update(pages="many"),
            lambda d: d.update(published="yesterday"),
        ]
        if not multipart:
            mistakes.append(lambda d: d.update(title=None))
        rng.choice(mistakes)(data)
        return data

    def step(self) -> Step:
        rng = self.rng
        who = _pick(rng, WHO)
        kind = _pick(rng, KINDS)
        multipart = rng.random() < 0.15
        fmt = "multipart" if multipart else "json"
        if kind == "list":
            query = rng.choice(["", "", "?page=2", "?page=3", "?page=last", "?page=0", "?page=x"])
            return Step(who, "GET", LIST + query)
        if kind == "create":
            data = self.book(multipart)
            if rng.random() < 0.4:
                data = self.spoil(data, multipart)
            return Step(who, "POST", LIST, tuple(data.items()), fmt)
        if kind == "retrieve":
            return Step(who, "GET", self.detail_path())
        if kind == "update":
            data = self.book(multipart)
            if rng.random() < 0.4:
                data = self.spoil(data, multipart)
            return Step(who, "PUT", self.detail_path(), tuple(data.items()), fmt)
        if kind == "partial_update":
            full = self.book(multipart)
            keys = rng.sample(sorted(full), rng.randint(0, 2))
            data = {key: full[key] for key in keys}
            if data and rng.random() < 0.3:
                data = self.spoil(data, multipart)
                data.setdefault("title", "Kindred")  # spoil may have removed the only key
            return Step(who, "PATCH", self.detail_path(), tuple(data.items()), fmt)
        if kind == "destroy":
            return Step(who, "DELETE", self.detail_path())
        if kind in ("options", "head"):
            path = LIST if rng.random() < 0.5 else self.detail_path()
            return Step(who, kind.upper(), path)
        method, path = rng.choice(
            [
                ("POST", self.detail_path()),
                ("PUT", LIST),
                ("PATCH", LIST),
                ("DELETE", LIST),
                ("TRACE", LIST),
                ("TRACE", self.detail_path()),
            ]
        )
        body = tuple(self.book(False).items()) if method in ("POST", "PUT", "PATCH") else None
        return Step(who, method, path, body)

    def sequences(self, count: int, longest: int) -> list[tuple[Step, ...]]:
        made = [
            tuple(self.step() for _ in range(self.rng.randint(1, longest))) for _ in range(count)
        ]
        # Shortest first: the first difference found is already small.
        return sorted(dict.fromkeys(made), key=len)
