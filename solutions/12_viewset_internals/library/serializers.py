"""The book serializer of the exercise (given: do not change it).

`url` links each book to its detail route (the router names it "book-detail"): after a
create, the viewset puts that link in the `Location` header.
"""

from rest_framework import serializers

from library.models import Book


class BookSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="book-detail")
    owner = serializers.ReadOnlyField(source="owner.username")

    class Meta:
        model = Book
        fields = ["url", "id", "title", "isbn", "author", "owner", "published", "pages"]

    def validate_isbn(self, value):
        if len(value) != 13 or not value.isdigit():
            raise serializers.ValidationError("An ISBN-13 is 13 digits, without hyphens.")
        return value
