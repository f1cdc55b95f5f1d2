from django.urls import path

from grader.loader import load

urlpatterns = [path("hello/", lambda request: load("views").hello(request))]
