"""Wrong: the books registered with basename "books": the routes are books-detail…, and the
serializers' url fields (view_name "book-detail") cannot be built.
Caught by: test_routes_have_the_router_names, test_list_uses_the_summary_serializer, test_create_answers_201_with_the_location_of_the_new_book.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from .views import BookViewSet, ReviewViewSet

router = DefaultRouter()
router.register("books", BookViewSet, basename="books")
router.register("reviews", ReviewViewSet, basename="review")  # no queryset attribute: say it

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]
