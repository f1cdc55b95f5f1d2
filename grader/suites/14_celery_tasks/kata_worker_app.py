"""The Celery app a worker PROCESS runs for this suite: `celery -A kata_worker_app worker`.

It imports the learner's module (KATA_LEARNER_MODULE, from the folder KATA_EXERCISE_DIR) and puts
the suite's where-to-send/where-to-store settings (JSON in KATA_CELERY_CONFIG) over its app.
Nothing else of the learner's configuration changes: serializers, acks, limits stay theirs.
"""

import importlib
import json
import os
import sys

import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping, the readiness probe
import kata_files  # noqa: F401 - registers the katafs:// transport the config may name

# Appended, not prepended: a learner file must never shadow Celery or the standard library.
sys.path.append(os.environ["KATA_EXERCISE_DIR"])
learner = importlib.import_module(os.environ.get("KATA_LEARNER_MODULE", "tasks"))
app = learner.app
app.conf.update(json.loads(os.environ["KATA_CELERY_CONFIG"]))
