"""Wrong: autodiscover_tasks(lambda: settings.INSTALLED_APPS): the settings list an AppConfig path, where Celery finds no tasks.py. Caught by: test_worker_start_up_discovers_build_report."""

import os

from celery import Celery
from django.conf import settings

# A worker process starts here, not in Django: tell it which settings to load. (The grader
# and the playground set this variable already; setdefault leaves their choice alone.)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kata_settings")

app = Celery("proj")

# Every setting named CELERY_<NAME> in Django's settings becomes the Celery setting <name>:
# CELERY_BROKER_URL → broker_url, CELERY_TASK_TRACK_STARTED → task_track_started, …
# One place for the configuration, and nothing Celery-specific reads environment variables.
app.config_from_object("django.conf:settings", namespace="CELERY")

# Import `tasks.py` of every installed Django app (here reports/tasks.py) when the worker
# starts, so it knows build_report without this module importing the apps (no import cycle).
# The still-common form, with the list of INSTALLED_APPS.
app.autodiscover_tasks(lambda: settings.INSTALLED_APPS)
