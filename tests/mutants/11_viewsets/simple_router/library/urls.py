"""Wrong: a SimpleRouter: no API root at /api/.
Caught by: test_api_root_lists_books_and_reviews.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from .views import BookViewSet, ReviewViewSet

router = SimpleRouter()
router.register("books", BookViewSet)  # basename "book", from BookViewSet.queryset
router.register("reviews", ReviewViewSet, basename="review")  # no queryset attribute: say it

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]
