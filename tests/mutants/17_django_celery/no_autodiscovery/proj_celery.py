"""Wrong: no autodiscover_tasks(): a worker started with -A proj_celery does not know build_report. Caught by: test_worker_start_up_discovers_build_report."""

import os

from celery import Celery

# A worker process starts here, not in Django: tell it which settings to load. (The grader
# and the playground set this variable already; setdefault leaves their choice alone.)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kata_settings")

app = Celery("proj")

# Every setting named CELERY_<NAME> in Django's settings becomes the Celery setting <name>:
# CELERY_BROKER_URL → broker_url, CELERY_TASK_TRACK_STARTED → task_track_started, …
# One place for the configuration, and nothing Celery-specific reads environment variables.
app.config_from_object("django.conf:settings", namespace="CELERY")

# Import `tasks.py` of every app in INSTALLED_APPS (here reports/tasks.py) when the worker
# starts, so it knows build_report without this module importing the apps (no import cycle).
