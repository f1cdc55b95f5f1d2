"""The URLs of exercise 11: one router for the API, and the API's schema and docs page.

Task 1, rule 7: a DefaultRouter under api/ with BookViewSet as "books" (basename "book") and
ReviewViewSet as "reviews" (basename "review").
Task 5, rules 1 and 6: the schema at api/schema/ and its docs page at api/docs/.
"""

from django.urls import include, path  # noqa: F401
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView  # noqa: F401
from rest_framework.routers import DefaultRouter  # noqa: F401

from .views import BookViewSet, ReviewViewSet  # noqa: F401

urlpatterns = []  # TODO: tasks 1 and 5
