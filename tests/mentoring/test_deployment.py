"""The production description (docker-compose.yml, Dockerfile, .env.example) holds together.

Docker does not run here, so these read the files: the YAML parses, every service the
architecture names is there with its health check, and the environment variables line up with
what settings.py reads and what docs/operations.md explains.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS_VARIABLES = set(re.findall(r'env\.\w+\("([A-Z_]+)"', (BASE_DIR / "mentoring/settings.py").read_text()))
# Read by docker compose or gunicorn rather than by Django.
DEPLOYMENT_VARIABLES = {"POSTGRES_PASSWORD", "WEB_CONCURRENCY", "TANDEM_HTTP_PORT"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def env_example():
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    pairs = (line.lstrip("# ").split("=", 1) for line in lines if re.match(r"#? ?[A-Z_]+=", line))
    return dict(pairs)


def command_text(service):
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_compose_describes_the_five_services(compose):
    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "beat"}


def test_data_lives_in_volumes(compose):
    services = compose["services"]
    assert services["postgres"]["image"].startswith("postgres:15")
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "redis-data:/data" in services["redis"]["volumes"]
    # Uploaded logos outlive the container: MEDIA_ROOT (var/media under the image's /app).
    assert "media:/app/var/media" in services["web"]["volumes"]
    assert {"postgres-data", "redis-data", "media"} <= set(compose["volumes"])


def test_health_checks(compose):
    services = compose["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "-m", "mentoring.health"]
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])


def test_app_services_share_the_image_env_and_wait_for_their_backends(compose):
    for name in ("web", "worker", "beat"):
        service = compose["services"][name]
        assert service["build"] == "."
        assert service["env_file"] == ".env"
        assert service["environment"]["DJANGO_ENV"] == "production"
        assert service["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }


def test_commands(compose):
    services = compose["services"]
    web = command_text(services["web"])
    assert web.index("migrate") < web.index("collectstatic") < web.index("gunicorn mentoring.wsgi")
    assert command_text(services["worker"]).startswith("celery -A mentoring worker")
    assert command_text(services["beat"]).startswith("celery -A mentoring beat")


def test_env_example_sets_what_production_needs():
    values = env_example()
    for required in ("DJANGO_ENV", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"):
        assert values.get(required), required
    # Empty on purpose: an unedited copy must not start with a published key or password.
    assert values["SECRET_KEY"] == values["POSTGRES_PASSWORD"] == ""
    assert values["DJANGO_ENV"] == "production"
    assert "@postgres:5432/" in values["DATABASE_URL"]
    assert values["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
    assert {"EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "DEFAULT_FROM_EMAIL"} <= set(values)


def test_env_example_names_only_variables_something_reads():
    unknown = set(env_example()) - SETTINGS_VARIABLES - DEPLOYMENT_VARIABLES
    assert not unknown


def test_operations_guide_explains_every_setting():
    guide = (BASE_DIR / "docs/operations.md").read_text()
    missing = {name for name in SETTINGS_VARIABLES if f"`{name}`" not in guide}
    assert not missing


def test_dockerfile_runs_as_a_user_not_root():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert "RUN pip install ." in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}


def test_an_unedited_env_example_refuses_to_start_and_an_edited_one_passes_check_deploy():
    def check(**env):
        clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TANDEM_ENV_FILE": str(BASE_DIR / ".env.example")}
        command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
        return subprocess.run(command, cwd=BASE_DIR, env={**clean, **env}, capture_output=True, text=True, timeout=120)

    unedited = check()
    assert unedited.returncode != 0
    assert "SECRET_KEY must be set when DJANGO_ENV=production" in unedited.stderr

    edited = check(SECRET_KEY=secrets.token_urlsafe(64))
    assert edited.returncode == 0, edited.stdout + edited.stderr
