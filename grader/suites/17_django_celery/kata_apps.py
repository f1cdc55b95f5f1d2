"""The learner's `reports` app, installed so that a broken models.py fails in the tests.

Django imports every app's models in django.setup(), which pytest-django runs before any test:
a syntax error in reports/models.py would stop the whole run with a bare traceback and no
result. This AppConfig keeps the error instead; conftest.learner_models reports it in every
test with the loader's message (file, line, what is wrong).
"""

from django.apps import AppConfig


class LearnerReportsConfig(AppConfig):
    name = "reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"
    # What importing reports/models.py raised, if it did.
    models_error: BaseException | None = None

    def import_models(self) -> None:
        try:
            super().import_models()
        except (Exception, SystemExit) as error:  # noqa: BLE001 - reported by every test instead
            type(self).models_error = error
