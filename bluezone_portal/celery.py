import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bluezone_portal.settings")

app = Celery("bluezone_portal")
# Every Celery option lives in Django settings under the CELERY_ prefix, so
# the worker, beat and web process read one configuration.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
