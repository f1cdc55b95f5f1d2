"""The URLs of exercise 11: one router for the API, and the API's schema and docs page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from .views import BookViewSet, ReviewViewSet

router = DefaultRouter()
router.register("books", BookViewSet)  # basename "book", from BookViewSet.queryset
router.register("reviews", ReviewViewSet, basename="review")  # no queryset attribute: say it

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]
