"""Wrong: the schema is served, but no docs page at /api/docs/.
Caught by: test_docs_page_loads_the_schema.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from .views import BookViewSet, ReviewViewSet

router = DefaultRouter()
router.register("books", BookViewSet)  # basename "book", from BookViewSet.queryset
router.register("reviews", ReviewViewSet, basename="review")  # no queryset attribute: say it

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
]
