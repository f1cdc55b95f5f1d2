"""Task 2: the five model mixins, on their own and combined into MiniModelViewSet."""

import pytest
from kata_books import OwnerOnly, TwoPerPage, book_viewset, plain_viewset
from kata_http import call
from kata_routes import serve

from grader.api_calls import expect_status
from grader.library_fixtures import isbn13

pytestmark = pytest.mark.task(2)


def _new_book(author_id, number=1, **fields):
    data = {"title": "Kindred", "isbn": isbn13(500_000_000 + number), "author": author_id}
    data.update(fields)
    return data


def _rows():
    from library.models import Book

    return list(Book.objects.order_by("id").values_list("id", "title", "pages"))


# ── list ─────────────────────────────────────────────────────────────────────────────────────


def test_list_is_paginated_when_the_view_has_a_paginator(viewsets, api, world):
    books = serve(plain_viewset(viewsets.MiniModelViewSet, pagination_class=TwoPerPage))
    body = expect_status(call(api, "GET", books), 200, "task 2, rule 1")
    assert isinstance(body, dict) and set(body) == {"count", "next", "previous", "results"}, (
        f"With pagination_class set (2 per page), list must answer the paginator's page: "
        f"{{'count', 'next', 'previous', 'results'}} — paginate_queryset(), then "
        f"get_paginated_response() (task 2, rule 1). It answered {body!r}."
    )
    ids = [book.get("id") for book in body["results"]]
    assert body["count"] == 3 and ids == list(world.books[:2]), (
        f"Page 1 must hold the first two of the 3 books, ids {list(world.books[:2])}, with "
        f"count 3 (task 2, rule 1); it held ids {ids} with count {body['count']!r}."
    )
    last = expect_status(call(api, "GET", books + "?page=2"), 200, "task 2, rule 1")
    assert [book.get("id") for book in last.get("results", [])] == [world.books[2]], (
        f"GET {books}?page=2 must hold the third book (task 2, rule 1); it answered {last!r}."
    )


def test_list_without_paginator_is_a_plain_list(viewsets, api, world):
    books = serve(plain_viewset(viewsets.MiniModelViewSet))
    body = expect_status(call(api, "GET", books), 200, "task 2, rule 1")
    assert isinstance(body, list) and [book.get("id") for book in body] == list(world.books), (
        f"With no paginator (pagination_class = None), list must answer a plain JSON list of "
        f"every book, ids {list(world.books)} (task 2, rule 1); it answered {body!r}."
    )


def test_list_goes_through_get_queryset_and_filter_queryset(viewsets, api, world):
    from rest_framework.filters import SearchFilter

    def get_queryset(self):
        # Only the signed-in reader's books.
        return super(cls, self).get_queryset().filter(owner=self.request.user)

    cls = plain_viewset(
        viewsets.MiniModelViewSet,
        get_queryset=get_queryset,
        filter_backends=[SearchFilter],
        search_fields=["title"],
    )
    books = serve(cls)
    api.force_authenticate(world.users["alice"])
    body = expect_status(call(api, "GET", books), 200, "task 2, rule 1")
    ids = [book.get("id") for book in body] if isinstance(body, list) else body
    assert ids == list(world.books[:2]), (
        f"list must start from self.get_queryset() (here overridden to the reader's own "
        f"books), never from self.queryset: alice must see ids {list(world.books[:2])}, "
        f"got {ids!r} (task 2, rule 1)."
    )
    body = expect_status(call(api, "GET", books + "?search=darkness"), 200, "task 2, rule 1")
    ids = [book.get("id") for book in body] if isinstance(body, list) else body
    assert ids == [world.books[0]], (
        f"list must pass the queryset through self.filter_queryset() (the view's "
        f"filter_backends: here SearchFilter): ?search=darkness must leave only book "
        f"{world.books[0]}, got {ids!r} (task 2, rule 1)."
    )


# ── create ───────────────────────────────────────────────────────────────────────────────────


def test_create_answers_201_with_the_new_book_and_its_location(viewsets, api, world):
    books = serve(book_viewset(viewsets.MiniModelViewSet))
    api.force_authenticate(world.users["alice"])
    sent = _new_book(world.authors[0], pages=264)
    created = call(api, "POST", books, sent)
    body = expect_status(created, 201, "task 2, rule 2: a valid create answers 201 Created")
    from library.models import Book

    book = Book.objects.filter(isbn=sent["isbn"]).first()
    assert book is not None and book.title == "Kindred" and book.pages == 264, (
        f"POST {books} must save the book (task 2, rule 2).{created.describe()}"
    )
    expected_url = f"http://testserver{books}{book.pk}/"
    assert (
        isinstance(body, dict) and body.get("id") == book.pk and body.get("url") == expected_url
    ), (
        f"The body must be serializer.data of the new book, with its id {book.pk} and url "
        f"{expected_url!r} (task 2, rule 2).{created.describe()}"
    )
    assert created.header("Location") == expected_url, (
        f"A create whose data has a 'url' answers with that url in the Location header: "
        f"expected {expected_url!r}, got {created.header('Location')!r} (task 2, rule 2)."
    )


def test_create_without_a_url_field_has_no_location(viewsets, api, world):
    books = serve(plain_viewset(viewsets.MiniModelViewSet))
    api.force_authenticate(world.users["alice"])
    created = call(api, "POST", books, _new_book(world.authors[0]))
    expect_status(created, 201, "task 2, rule 2: a serializer without a url field still creates")
    assert created.header("Location") is None, (
        f"When serializer.data has no 'url', get_success_headers() returns {{}}: no Location "
        f"header (task 2, rule 2); got Location {created.header('Location')!r}."
    )


def test_invalid_create_answers_400_with_the_errors(viewsets, api, world):
    books = serve(plain_viewset(viewsets.MiniModelViewSet))
    api.force_authenticate(world.users["alice"])
    before = _rows()
    refused = call(api, "POST", books, {"isbn": "12345", "author": world.authors[0]})
    body = expect_status(refused, 400, "task 2, rule 2: invalid data answers 400 Bad Request")
    assert isinstance(body, dict) and {"title", "isbn"} <= set(body), (
        f"The 400 body must be the serializer's errors, one key per field "
        f"(is_valid(raise_exception=True)): here 'title' (missing) and 'isbn' (not 13 digits) "
        f"(task 2, rule 2).{refused.describe()}"
    )
    assert _rows() == before, "An invalid create must save nothing (task 2, rule 2)."


# ── retrieve ─────────────────────────────────────────────────────────────────────────────────


def test_retrieve_finds_the_book_with_get_object(viewsets, api, world):
    books = serve(plain_viewset(viewsets.MiniModelViewSet))
    found = call(api, "GET", f"{books}{world.books[2]}/")
    body = expect_status(found, 200, "task 2, rule 3")
    assert (
        isinstance(body, dict)
        and body.get("id") == world.books[2]
        and body.get("title") == "Small Gods"
    ), f"retrieve must answer the book's serializer.data (task 2, rule 3).{found.describe()}"
    # get_object() answers both with Http404: DoesNotExist, and ValueError for "abc".
    for missing, detail in (("9999", "No Book matches the given query."), ("abc", "Not found.")):
        lost = call(api, "GET", f"{books}{missing}/")
        body = expect_status(
            lost,
            404,
            "task 2, rule 3: self.get_object() answers 404 for a pk that matches no book "
            "(a bare queryset.get() raises DoesNotExist or ValueError: a 500)",
        )
        assert body == {"detail": detail}, (
            f"The 404 body is get_object()'s: {{'detail': {detail!r}}} (task 2, rule 3)."
            f"{lost.describe()}"
        )


def test_retrieve_honours_lookup_field_and_object_permissions(viewsets, api, world):
    from rest_framework.permissions import IsAuthenticated

    by_isbn = plain_viewset(viewsets.MiniModelViewSet, lookup_field="isbn")
    books = serve(by_isbn)
    found = call(api, "GET", f"{books}{world.isbns[0]}/")
    body = expect_status(
        found, 200, "task 2, rule 3: get_object() uses the view's lookup_field ('isbn' here)"
    )
    assert isinstance(body, dict) and body.get("id") == world.books[0], (
        f"With lookup_field = 'isbn', GET {books}<isbn>/ must find that book (task 2, rule 3)."
        f"{found.describe()}"
    )
    private = plain_viewset(
        viewsets.MiniModelViewSet, permission_classes=[IsAuthenticated, OwnerOnly]
    )
    books = serve(private)
    api.force_authenticate(world.users["alice"])
    refused = call(api, "GET", f"{books}{world.books[2]}/")
    expect_status(
        refused,
        403,
        "task 2, rule 3: get_object() checks the object permissions (here: only the owner may "
        "see a book; the book is bob's, the reader alice)",
    )


# ── update and partial_update ────────────────────────────────────────────────────────────────


def test_put_replaces_the_book(viewsets, api, world):
    books = serve(plain_viewset(viewsets.MiniModelViewSet))
    path = f"{books}{world.books[0]}/"
    sent = _new_book(
        world.authors[1], number=2, title="Kindred", pages=None, published="1979-06-01"
    )
    replaced = call(api, "PUT", path, sent)
    body = expect_status(replaced, 200, "task 2, rule 4: a valid PUT answers 200")
    from library.models import Book

    book = Book.objects.get(pk=world.books[0])
    assert (book.title, book.isbn, book.author_id, book.pages) == (
        "Kindred",
        sent["isbn"],
        world.authors[1],
        None,
    ), f"PUT must save every field sent (task 2, rule 4).{replaced.describe()}"
    assert (
        isinstance(body, dict)
        and body.get("title") == "Kindred"
        and body.get("published") == "1979-06-01"
    ), f"PUT answers the updated book (task 2, rule 4).{replaced.describe()}"


def test_put_requires_every_required_field(viewsets, api, world):
    books = serve(plain_viewset(viewsets.MiniModelViewSet))
    path = f"{books}{world.books[0]}/"
    before = _rows()
    refused = call(api, "PUT", path, {"title": "Only a title"})
    body = expect_status(
        refused, 400, "task 2, rule 4: PUT replaces the book, so every required field is needed"
    )
    assert isinstance(body, dict) and {"isbn", "author"} <= set(body), (
        f"The 400 body must name the missing required fields 'isbn' and 'author' "
        f"(task 2, rule 4).{refused.describe()}"
    )
    assert _rows() == before, "A refused PUT must change nothing (task 2, rule 4)."


def test_patch_changes_only_the_fields_sent(viewsets, api, world):
    books = serve(plain_viewset(viewsets.MiniModelViewSet))
    path = f"{books}{world.books[0]}/"
    changed = call(api, "PATCH", path, {"pages": 320})
    body = expect_status(
        changed,
        200,
        "task 2, rule 5: PATCH is partial_update, update with partial=True: the fields not "
        "sent are not required",
    )
    from library.models import Book

    book = Book.objects.get(pk=world.books[0])
    assert (book.title, book.pages) == ("The Left Hand of Darkness", 320), (
        f"PATCH {{'pages': 320}} must change pages and keep the title (task 2, rule 5)."
        f"{changed.describe()}"
    )
    assert isinstance(body, dict) and body.get("pages") == 320, (
        f"PATCH answers the updated book (task 2, rule 5).{changed.describe()}"
    )
    refused = call(api, "PATCH", path, {"isbn": "12345"})
    expect_status(refused, 400, "task 2, rule 5: the fields sent are still validated")


def test_patch_goes_through_update(viewsets, api, world):
    def update(self, request, *args, **kwargs):
        response = super(cls, self).update(request, *args, **kwargs)
        response["X-Kata-Partial"] = str(kwargs.get("partial", False))
        return response

    cls = plain_viewset(viewsets.MiniModelViewSet, update=update)
    books = serve(cls)
    changed = call(api, "PATCH", f"{books}{world.books[0]}/", {"pages": 12})
    expect_status(changed, 200, "task 2, rule 5")
    assert changed.header("X-Kata-Partial") == "True", (
        f"partial_update must call self.update(request, *args, partial=True, **kwargs), so a "
        f"subclass that overrides update() changes PUT and PATCH alike. The overridden update "
        f"saw partial={changed.header('X-Kata-Partial')!r} (None: it was not called) "
        f"(task 2, rule 5)."
    )


def test_update_and_destroy_check_object_permissions(viewsets, api, world):
    books = serve(book_viewset(viewsets.MiniModelViewSet))
    api.force_authenticate(world.users["bob"])
    before = _rows()
    alices = f"{books}{world.books[0]}/"
    for method, data in (
        ("PUT", _new_book(world.authors[0])),
        ("PATCH", {"pages": 1}),
        ("DELETE", None),
    ):
        refused = call(api, method, alices, data)
        expect_status(
            refused,
            403,
            f"task 2, rules 4-6: {method} finds the book with get_object(), which checks the "
            f"object permission IsOwnerOrReadOnly (the book is alice's, the reader bob)",
        )
    assert _rows() == before, "Refused requests must change nothing (task 2, rules 4-6)."


# ── destroy ──────────────────────────────────────────────────────────────────────────────────


def test_delete_answers_204_with_an_empty_body(viewsets, api, world):
    from library.models import Book

    books = serve(plain_viewset(viewsets.MiniModelViewSet))
    deleted = call(api, "DELETE", f"{books}{world.books[1]}/")
    expect_status(deleted, 204, "task 2, rule 6: destroy answers 204 No Content")
    assert deleted.response.content == b"", (
        f"204 No Content has no body: Response(status=204) (task 2, rule 6).{deleted.describe()}"
    )
    assert not Book.objects.filter(pk=world.books[1]).exists(), (
        "DELETE must delete the book (task 2, rule 6)."
    )
    again = call(api, "DELETE", f"{books}{world.books[1]}/")
    expect_status(again, 404, "task 2, rule 6: a deleted book is not found any more")


# ── hooks ────────────────────────────────────────────────────────────────────────────────────


def test_perform_create_hook_is_used(viewsets, api, world):
    books = serve(book_viewset(viewsets.MiniModelViewSet))
    api.force_authenticate(world.users["bob"])
    created = call(api, "POST", books, _new_book(world.authors[0], number=3))
    body = expect_status(
        created,
        201,
        "This test checks the perform_create hook (task 2, rule 7): create saves through "
        "self.perform_create(serializer), and this viewset's perform_create sets "
        "owner=request.user (the owner is required; without the hook the save fails). A valid "
        "create answers 201 Created (task 2, rule 2)",
    )
    assert isinstance(body, dict) and body.get("owner") == "bob", (
        f"The viewset's perform_create saves owner=request.user: the new book's owner must be "
        f"'bob' (task 2, rule 7).{created.describe()}"
    )


def test_perform_update_and_perform_destroy_hooks_are_used(viewsets, api, world):
    from library.models import Book

    calls = []

    def perform_update(self, serializer):
        calls.append("perform_update")
        serializer.save(title=serializer.validated_data.get("title", "").upper() or "SAVED")

    def perform_destroy(self, instance):
        calls.append("perform_destroy")
        instance.pages = 0  # a "soft delete": the row stays
        instance.save()

    cls = plain_viewset(
        viewsets.MiniModelViewSet, perform_update=perform_update, perform_destroy=perform_destroy
    )
    books = serve(cls)
    path = f"{books}{world.books[0]}/"
    changed = call(api, "PATCH", path, {"title": "quiet"})
    body = expect_status(
        changed,
        200,
        "This test checks the perform_update hook (task 2, rule 7). First, a valid PATCH "
        "answers 200 OK with serializer.data (task 2, rules 4 and 5)",
    )
    assert calls == ["perform_update"] and body.get("title") == "QUIET", (
        f"update must save through self.perform_update(serializer), which this viewset "
        f"overrides (it upper-cases the title) (task 2, rule 7). Hooks called: {calls}."
        f"{changed.describe()}"
    )
    deleted = call(api, "DELETE", path)
    expect_status(
        deleted,
        204,
        "This test checks the perform_destroy hook (task 2, rule 7). First, destroy answers "
        "204 No Content with no body, Response(status=204) (task 2, rule 6)",
    )
    assert calls[1:] == ["perform_destroy"] and Book.objects.filter(pk=world.books[0]).exists(), (
        f"destroy must call self.perform_destroy(instance), which this viewset overrides with "
        f"a soft delete (the row stays) (task 2, rule 7). Hooks called: {calls}."
    )


def test_get_success_headers_hook_is_used(viewsets, api, world):
    def get_success_headers(self, data):
        return {"X-Kata-Created": str(data.get("id"))}

    cls = plain_viewset(viewsets.MiniModelViewSet, get_success_headers=get_success_headers)
    books = serve(cls)
    api.force_authenticate(world.users["alice"])
    created = call(api, "POST", books, _new_book(world.authors[0], number=4))
    body = expect_status(
        created,
        201,
        "This test checks the get_success_headers hook (task 2, rule 7). First, a valid "
        "create answers 201 Created (task 2, rule 2)",
    )
    header = created.header("X-Kata-Created")
    assert isinstance(body, dict) and header == str(body.get("id")), (
        f"create must take its headers from self.get_success_headers(serializer.data), which "
        f"this viewset overrides to answer the header X-Kata-Created: <the new id> "
        f"(task 2, rule 7). X-Kata-Created was {header!r}.{created.describe()}"
    )


# ── the mixins together ──────────────────────────────────────────────────────────────────────


def test_each_mixin_works_alone_on_mini_generic_viewset(viewsets, api, world):
    v = viewsets
    read_only = serve(
        plain_viewset(
            type("ReadOnly", (v.ListModelMixin, v.RetrieveModelMixin, v.MiniGenericViewSet), {})
        )
    )
    expect_status(
        call(api, "GET", read_only),
        200,
        "task 2, rule 8: ListModelMixin alone (list answers 200, rule 1)",
    )
    expect_status(
        call(api, "GET", f"{read_only}{world.books[0]}/"),
        200,
        "task 2, rule 8: RetrieveModelMixin alone (retrieve answers 200, rule 3)",
    )
    refused = call(api, "POST", read_only, _new_book(world.authors[0]))
    expect_status(
        refused,
        405,
        "task 2, rule 8: a viewset without CreateModelMixin has no create action, so the router "
        "maps no POST",
    )
    api.force_authenticate(world.users["alice"])
    write_only = serve(
        plain_viewset(
            type(
                "WriteOnly",
                (v.CreateModelMixin, v.UpdateModelMixin, v.DestroyModelMixin, v.MiniGenericViewSet),
                {},
            )
        )
    )
    expect_status(
        call(api, "POST", write_only, _new_book(world.authors[0], number=5)),
        201,
        "task 2, rule 8: CreateModelMixin alone (create answers 201 Created, rule 2)",
    )
    expect_status(
        call(api, "PATCH", f"{write_only}{world.books[0]}/", {"pages": 2}),
        200,
        "task 2, rule 8: UpdateModelMixin alone (PATCH answers 200, rules 4 and 5)",
    )
    expect_status(
        call(api, "DELETE", f"{write_only}{world.books[0]}/"),
        204,
        "task 2, rule 8: DestroyModelMixin alone (destroy answers 204 No Content, rule 6)",
    )
    expect_status(
        call(api, "GET", write_only),
        405,
        "task 2, rule 8: a viewset without ListModelMixin has no list action",
    )


def test_mini_model_viewset_combines_the_five_mixins(viewsets):
    v = viewsets
    combined = v.MiniModelViewSet
    missing = [
        mixin.__name__
        for mixin in (
            v.CreateModelMixin,
            v.RetrieveModelMixin,
            v.UpdateModelMixin,
            v.DestroyModelMixin,
            v.ListModelMixin,
            v.MiniGenericViewSet,
        )
        if not issubclass(combined, mixin)
    ]
    assert not missing, (
        f"MiniModelViewSet must combine your five mixins and MiniGenericViewSet; it does not "
        f"inherit from {', '.join(missing)} (task 2, rule 8)."
    )


def test_the_given_book_api_works(viewsets, api, world, settings):
    settings.ROOT_URLCONF = "kata_urls_given"
    listed = call(api, "GET", "/api/books/")
    body = expect_status(
        listed, 200, "task 2, rule 8: the given MiniBookViewSet at /api/books/ (library/urls.py)"
    )
    assert isinstance(body, dict) and body.get("count") == 3, (
        f"GET /api/books/ lists the 3 books, 3 per page (task 2, rule 8).{listed.describe()}"
    )
    api.force_authenticate(world.users["alice"])
    created = call(api, "POST", "/api/books/", _new_book(world.authors[0], number=6))
    body = expect_status(
        created, 201, "task 2, rules 2 and 8: the given MiniBookViewSet creates: 201 Created"
    )
    assert isinstance(body, dict) and body.get("owner") == "alice", (
        f"The given MiniBookViewSet's perform_create saves owner=request.user: the new book "
        f"must be alice's (task 2, rule 7).{created.describe()}"
    )
    location = created.header("Location")
    shown = f"Location: {location}" if location is not None else "(no Location header)"
    assert location == body.get("url"), (
        f"A create answers the Location header from get_success_headers(serializer.data): the "
        f"new book's url {body.get('url')!r} (task 2, rule 2).{created.describe()}"
        f"\n  response header: {shown}"
    )
    root = expect_status(call(api, "GET", "/api/"), 200, "task 2, rule 8: the DefaultRouter's root")
    assert root == {"books": "http://testserver/api/books/"}, (
        f"GET /api/ (the DefaultRouter's API root) must list the books route (task 2, rule 8); "
        f"it answered {root!r}."
    )
