import os

from celery import Celery

app = Celery("jobs", broker=os.environ.get("CELERY_BROKER_URL", "memory://"))


@app.task(bind=True)
def add(self, a, b):
    return a + b, self.request.is_eager
