import os

SECRET_KEY = "fixture"
DEBUG = bool(os.environ.get("KATA_PLAYGROUND"))
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "kata_urls"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
MIDDLEWARE = ["stamp.StampMiddleware"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("KATA_PLAYGROUND_DB", ":memory:"),
    }
}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PLAYGROUND_URLS = [("/hello/?name=Ada", "a greeting, with the X-Stamp header")]
# Run after the playground's migrations: demo data, and what to print about it.
PLAYGROUND_SETUP = "kata_urls.create_demo_user"
