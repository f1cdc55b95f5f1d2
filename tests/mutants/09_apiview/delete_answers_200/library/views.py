"""Wrong: DELETE answers 200 with a body instead of 204 No Content. Caught by: test_owner_can_delete_a_book."""

from django.shortcuts import get_object_or_404
from library.authentication import ApiKeyAuthentication
from library.models import Book
from library.permissions import IsOwnerOrReadOnly
from library.serializers import BookV1Serializer, BookV2Serializer
from library.throttles import BookWriteThrottle
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.versioning import URLPathVersioning
from rest_framework.views import APIView


class LibraryAPIView(APIView):
    """The components both endpoints share."""

    # Order matters: the first class's authenticate_header() makes an anonymous write 401.
    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticatedOrReadOnly, IsOwnerOrReadOnly]
    throttle_classes = [BookWriteThrottle]
    versioning_class = URLPathVersioning
    parser_classes = [JSONParser, FormParser]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    def book_serializer(self, *args, **kwargs):
        serializer = BookV2Serializer if self.request.version == "v2" else BookV1Serializer
        return serializer(*args, **kwargs)


class BookList(LibraryAPIView):
    def get(self, request, version):
        return Response(self.book_serializer(Book.objects.all(), many=True).data)

    def post(self, request, version):
        serializer = self.book_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save(owner=request.user)
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class BookDetail(LibraryAPIView):
    def get_book(self, request, pk):
        book = get_object_or_404(Book, pk=pk)
        # APIView never calls this for you (generic views do, in get_object()).
        self.check_object_permissions(request, book)
        return book

    def get(self, request, version, pk):
        return Response(self.book_serializer(self.get_book(request, pk)).data)

    def put(self, request, version, pk):
        return self.update_book(request, pk, partial=False)

    def patch(self, request, version, pk):
        return self.update_book(request, pk, partial=True)

    def update_book(self, request, pk, partial):
        book = self.get_book(request, pk)
        serializer = self.book_serializer(book, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)

    def delete(self, request, version, pk):
        self.get_book(request, pk).delete()
        return Response({"deleted": pk})
