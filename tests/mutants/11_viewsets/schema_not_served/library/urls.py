"""Wrong: no schema and no docs URLs.
Caught by: test_schema_is_served_as_openapi_json, test_docs_page_loads_the_schema.
"""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .views import BookViewSet, ReviewViewSet

router = DefaultRouter()
router.register("books", BookViewSet)  # basename "book", from BookViewSet.queryset
router.register("reviews", ReviewViewSet, basename="review")  # no queryset attribute: say it

urlpatterns = [
    path("api/", include(router.urls)),
]
