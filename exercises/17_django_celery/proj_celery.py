"""The Celery app of the Django project (task 1) — what `proj/celery.py` is in a real project.

The worker is started with `celery -A proj_celery worker`; Django code imports `app` (through
reports/tasks.py) to send tasks. Both must read the same configuration: Django's settings.
"""

import os

from celery import Celery

# A worker process starts here, not in Django: tell it which settings to load. (The grader
# and the playground set this variable already; setdefault leaves their choice alone.)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kata_settings")

app = Celery("proj")

# TODO (task 1, rule 2): configure `app` from Django's settings: every setting named
#   CELERY_<NAME> (CELERY_BROKER_URL, CELERY_TASK_TRACK_STARTED, …) must become the Celery
#   setting <name> (broker_url, task_track_started, …).

# TODO (task 1, rule 3): let a worker find reports/tasks.py (and the tasks.py of every other
#   installed app) without importing it here. INSTALLED_APPS lists an AppConfig path, not
#   "reports": read the README before you pass it anything.
