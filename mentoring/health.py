"""`/healthz`: is this process able to serve? Used by docker-compose and load balancers.

It answers 200 {"status": "ok"} when the database answers and, when Redis is configured (as
cache or broker), Redis answers too; otherwise 503 naming the failed check. It says nothing
more (no versions, no error text): it is public.

`python -m mentoring.health [url]` probes a running server and exits 0 or 1: the container
health check, which needs no curl in the image.
"""

import logging
import os
import sys
import urllib.request

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 2


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis_urls():
    urls = [settings.REDIS_URL, settings.CELERY_BROKER_URL]
    return sorted({url for url in urls if url and url.startswith(("redis://", "rediss://"))})


def _check_redis():
    import redis

    for url in _redis_urls():
        client = redis.Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
        )
        try:
            client.ping()
        finally:
            client.close()


CHECKS = {"database": _check_database, "redis": _check_redis}


@login_not_required
@never_cache
@require_safe
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        if name == "redis" and not _redis_urls():
            continue
        try:
            check()
        except Exception:
            logger.exception("Health check %s failed", name)
            results[name] = "error"
        else:
            results[name] = "ok"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)


def probe_host():
    """A Host header the server accepts: the first concrete name in ALLOWED_HOSTS."""
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def probe(url="http://127.0.0.1:8000/healthz", timeout=5):
    request = urllib.request.Request(url, headers={"Host": probe_host()})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(0 if probe(*sys.argv[1:2]) else 1)
