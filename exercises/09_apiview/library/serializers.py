"""The two representations of a book, one per API version (given: do not change it).

Your views choose one from ``request.version``: ``BookV1Serializer`` for "v1",
``BookV2Serializer`` for "v2". Both take the same fields on writes: ``title``, ``isbn`` (13
digits) and ``author_id`` (an author's id). The owner is never written by the client: your
view passes it to ``serializer.save(owner=request.user)``.
"""

from rest_framework import serializers

from library.models import Author, Book


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class BookV1Serializer(serializers.ModelSerializer):
    """Version 1: ``{"id": 1, "title": "…", "author": "<the author's name>"}``."""

    author = serializers.CharField(source="author.name", read_only=True)
    author_id = serializers.PrimaryKeyRelatedField(
        source="author", queryset=Author.objects.all(), write_only=True
    )

    class Meta:
        model = Book
        fields = ["id", "title", "author", "isbn", "author_id"]
        # v1 clients send the ISBN but never see it.
        extra_kwargs = {"isbn": {"write_only": True}}


class BookV2Serializer(serializers.ModelSerializer):
    """Version 2: ``{"id", "title", "isbn", "author": {"id", "name"}, "owner": "<username>"}``."""

    author = AuthorSerializer(read_only=True)
    author_id = serializers.PrimaryKeyRelatedField(
        source="author", queryset=Author.objects.all(), write_only=True
    )
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Book
        fields = ["id", "title", "isbn", "author", "owner", "author_id"]
