import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(
        [sys.executable, "-c", "import django; import os; os.environ['DJANGO_SETTINGS_MODULE']='bluezone_portal.settings'; django.setup()"],
        cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=60,
    )


def test_production_settings_refuse_a_missing_secret():
    result = _check({"DEBUG": "off"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_a_short_secret():
    assert _check({"DEBUG": "off", "SECRET_KEY": "short"}).returncode != 0


def test_production_settings_start_with_a_real_secret():
    result = _check({"DEBUG": "off", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "bluezone.example"})
    assert result.returncode == 0, result.stderr


def test_settings_are_vietnamese_first_in_the_province_zone():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh" and settings.USE_TZ
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE


def test_check_deploy_is_clean_with_production_environment():
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    env = clean | {
        "DEBUG": "off", "SECRET_KEY": "k" * 20 + "-production-like-secret-0123456789",
        "ALLOWED_HOSTS": "bluezone.haugiang.example", "DJANGO_SETTINGS_MODULE": "bluezone_portal.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_wsgi_application_leaves_what_it_loaded_out_of_garbage_collection():
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [sys.executable, "-c", "import gc, bluezone_portal.wsgi; print(gc.get_freeze_count())"],
        cwd=ROOT, env=clean | {"DEBUG": "off", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "bluezone.example"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 10_000  # the app's own objects, not a handful
