"""The learner's `reports` app, installed so that a broken models.py fails in the tests.

grader.learner_apps.GuardedAppConfig keeps the error raised while Django imports the models at
start-up; conftest.learner_models reports it in every test with the loader's message (file,
line, what is wrong).
"""

from grader.learner_apps import GuardedAppConfig


class LearnerReportsConfig(GuardedAppConfig):
    name = "reports"
    label = "reports"
