"""URLs of the library (given: do not change them): a DefaultRouter with your viewset.

The router calls MiniBookViewSet.as_view() twice:
    /api/books/        as_view({"get": "list", "post": "create"}, basename="book", detail=False, suffix="List")
    /api/books/<pk>/   as_view({"get": "retrieve", "put": "update", "patch": "partial_update",
                                "delete": "destroy"}, basename="book", detail=True, suffix="Instance")
"""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from library.views import MiniBookViewSet

router = DefaultRouter()
router.register("books", MiniBookViewSet, basename="book")

urlpatterns = [path("api/", include(router.urls))]
