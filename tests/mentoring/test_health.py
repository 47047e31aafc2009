import pytest

from mentoring import health


@pytest.fixture
def no_redis(settings):
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = ""


def test_healthy_without_redis_checks_only_the_database(client, db, no_redis):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_is_public_and_answers_head(client, db, no_redis):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_database_failure_answers_503_without_details(client, db, no_redis, monkeypatch):
    def broken():
        raise RuntimeError("password authentication failed for user postgres")

    monkeypatch.setitem(health.CHECKS, "database", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "error"}}
    assert b"password" not in response.content


def test_unreachable_redis_answers_503(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "error"}


def test_reachable_redis_is_checked(client, db, settings):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.REDIS_URL, settings.CELERY_BROKER_URL = "", url

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_probe_reports_a_live_server(live_server, settings, monkeypatch):
    settings.REDIS_URL = settings.CELERY_BROKER_URL = ""
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)  # the probe then says Host: localhost

    assert health.probe(f"{live_server.url}/healthz") is True
    assert health.probe("http://127.0.0.1:1/healthz", timeout=1) is False


@pytest.mark.parametrize(
    ("allowed_hosts", "expected"),
    [("tandem.example.com,www.example.com", "tandem.example.com"), (".example.org", "example.org"), ("*", "localhost")],
)
def test_probe_sends_a_host_the_server_accepts(monkeypatch, allowed_hosts, expected):
    monkeypatch.setenv("ALLOWED_HOSTS", allowed_hosts)

    assert health.probe_host() == expected
