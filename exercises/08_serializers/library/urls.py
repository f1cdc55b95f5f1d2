"""The library API's URLs (given: do not change them)."""

from django.urls import path

from library import views

urlpatterns = [
    path("api/authors/", views.AuthorList.as_view(), name="author-list"),
    path("api/authors/<int:pk>/", views.AuthorDetail.as_view(), name="author-detail"),
    path("api/books/", views.BookList.as_view(), name="book-list"),
    path("api/books/<int:pk>/", views.BookDetail.as_view(), name="book-detail"),
    path("api/reviews/", views.ReviewList.as_view(), name="review-list"),
    path("api/reviews/<int:pk>/", views.ReviewDetail.as_view(), name="review-detail"),
]
