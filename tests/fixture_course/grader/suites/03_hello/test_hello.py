"""Fixture Django suite. Wrong answers it rejects: a greeting without the name (test_hello)."""

import pytest


@pytest.mark.task(1)
def test_hello(client):
    response = client.get("/hello/", {"name": "Ada"})
    assert response.content == b"Hello, Ada!", f"got {response.content!r}"


@pytest.mark.task(2)
def test_stamp(client):
    response = client.get("/hello/", {"name": "Ada"})
    assert response.headers.get("X-Stamp") == "kata", f"got {response.headers.get('X-Stamp')!r}"


@pytest.mark.task(2)
@pytest.mark.django_db
def test_database_is_there(client):
    from django.contrib.auth.models import User

    User.objects.create(username="ada")
    response = client.get("/hello/", {"name": User.objects.get().username})
    assert response.content == b"Hello, ada!", f"got {response.content!r}"
