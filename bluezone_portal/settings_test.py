"""Test override: the real settings, plus what only tests need."""

import os

os.environ.setdefault("DEBUG", "on")

from bluezone_portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"token": "1000/minute"}  # noqa: F405
LANGUAGE_CODE = "vi"
