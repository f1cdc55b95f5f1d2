from django.urls import path

from grader.loader import load

urlpatterns = [path("hello/", lambda request: load("views").hello(request))]


def create_demo_user():
    """The playground's demo data: one user, saved in the playground's database."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("ada", password="ada-demo-password")
    return [("demo user", f"{user.username} (id {user.pk})")]
