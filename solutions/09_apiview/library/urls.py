"""The URLs of the library API (given: do not change it).

The version is part of the path: ``/api/v1/books/``, ``/api/v2/books/3/``. Django passes it to
your view as the keyword argument ``version``; URLPathVersioning reads it from there, checks it
and sets ``request.version``.
"""

from django.urls import path

from library import views

urlpatterns = [
    path("api/<str:version>/books/", views.BookList.as_view(), name="book-list"),
    path("api/<str:version>/books/<int:pk>/", views.BookDetail.as_view(), name="book-detail"),
]
