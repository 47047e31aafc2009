"""Settings come from the environment alone. Each test starts Python in a clean environment
(no inherited DATABASE_URL, no .env file), as a fresh server or a fresh clone would."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "tandem.example.com",
    # Checked, never connected to by these tests.
    "DATABASE_URL": "postgres://tandem@db.invalid:5432/tandem",
    "REDIS_URL": "redis://redis.invalid:6379/1",
    "CELERY_BROKER_URL": "redis://redis.invalid:6379/0",
}


def run(args, **env):
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "mentoring.settings",
        "TANDEM_ENV_FILE": os.devnull,
        "PYTHONDONTWRITEBYTECODE": "1",
        **env,
    }
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120)


def settings_in(code, **env):
    """Run `code` (which may print) after django.setup() in a clean environment."""
    result = run(["-c", f"import django, json; django.setup(); from django.conf import settings; {code}"], **env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_production_passes_check_deploy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"])
def test_production_refuses_to_start_without(missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}

    result = run(["manage.py", "check"], **env)

    assert result.returncode != 0
    assert f"{missing} must be set when DJANGO_ENV=production" in result.stderr


def test_production_redirects_to_https_but_not_the_health_check(tmp_path):
    code = (
        "from django.test import Client; c = Client(HTTP_HOST='tandem.example.com'); "
        "print(json.dumps([c.get('/').status_code, c.get('/healthz').status_code]))"
    )

    out = settings_in(code, **{**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})

    home, health = json.loads(out)
    # The health check answers over plain HTTP (200, or 503 here as the Redis host is fake).
    assert home == 301 and health in (200, 503)


def test_without_database_url_the_database_is_sqlite_under_var():
    out = settings_in("db = settings.DATABASES['default']; print(json.dumps([db['ENGINE'], str(db['NAME'])]))")

    engine, name = json.loads(out)
    assert engine == "django.db.backends.sqlite3"
    assert Path(name).parent == BASE_DIR / "var"


def test_database_url_selects_postgresql():
    out = settings_in(
        "db = settings.DATABASES['default']; print(json.dumps([db['ENGINE'], db['NAME'], db['HOST']]))",
        DATABASE_URL="postgres://postgres@db.internal:5432/tandem",
    )

    assert json.loads(out) == ["django.db.backends.postgresql", "tandem", "db.internal"]


def test_without_broker_tasks_run_eagerly_in_process():
    code = (
        "from organizations.tasks import ping_task; "
        "print(json.dumps([settings.CELERY_TASK_ALWAYS_EAGER, ping_task.delay('hi').get(timeout=5)]))"
    )

    assert json.loads(settings_in(code)) == [True, {"pong": "hi"}]


def test_with_broker_tasks_are_queued():
    out = settings_in(
        "print(json.dumps(settings.CELERY_TASK_ALWAYS_EAGER))", CELERY_BROKER_URL="redis://127.0.0.1:6379/0"
    )

    assert json.loads(out) is False
