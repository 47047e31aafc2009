"""A real Celery worker, in its own process, takes a task from Redis and returns its result.

Everything else in the suite runs tasks eagerly; this proves the production path: the
broker URL, JSON serialization, task autodiscovery and the result backend.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# A Redis database of its own, so the test never touches the development or CI queues.
REDIS_URL = os.environ.get("TANDEM_TEST_WORKER_REDIS_URL", "redis://127.0.0.1:6379/9")

pytestmark = pytest.mark.worker


@pytest.fixture
def redis_available():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        message = f"Redis is not reachable at {REDIS_URL}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def worker(redis_available, tmp_path):
    """A worker consuming a queue no one else uses, always stopped at the end."""
    queue = f"tandem-test-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path / "worker.log"
    env = {**os.environ, "CELERY_BROKER_URL": REDIS_URL, "CELERY_RESULT_BACKEND": REDIS_URL}
    command = [
        *(sys.executable, "-m", "celery", "-A", "mentoring", "worker"),
        *("--pool=solo", "--queues", queue, "--hostname", f"{queue}@%h", "--loglevel", "INFO"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
    with log_path.open("w") as log:
        # A session of its own, so stopping it stops anything it started too.
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_until_ready(process, log_path)
        yield queue, process, log_path
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)
        _forget_queue(queue)


def _wait_until_ready(process, log_path, timeout=90):
    """Redis drops a message sent to a queue no worker has bound yet, so wait for the binding."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if " ready." in log_path.read_text():
            return
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"the worker did not become ready; its log:\n{log_path.read_text()}")


def _forget_queue(queue):
    """Drop the broker's bookkeeping for the throwaway queue, so runs leave nothing behind."""
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        for key in connection.scan_iter(f"*{queue}*"):
            connection.delete(key)
    finally:
        connection.close()


def test_worker_runs_a_task_sent_through_redis(worker, monkeypatch):
    from celery import Celery

    queue, process, log_path = worker
    # Celery lets the CELERY_BROKER_URL environment variable (set by .ci/run) override the
    # broker given to the app, so point it at the worker's Redis database too.
    monkeypatch.setenv("CELERY_BROKER_URL", REDIS_URL)
    # A client of its own: the suite's app runs tasks eagerly when no broker is configured.
    client = Celery("tandem-test-client", broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
    # Not the current app: shared tasks of later tests must stay bound to the suite's eager app.
    client.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])
    try:
        result = client.send_task("organizations.tasks.ping_task", args=["hello"], queue=queue)
        try:
            value = result.get(timeout=90)
        except Exception as error:
            raise AssertionError(f"no result ({error!r}); worker log:\n{log_path.read_text()}") from error
        result.forget()
    finally:
        client.close()

    assert value == {"pong": "hello"}
    assert process.poll() is None, "the worker should still be running"
    # The worker process, not this one, ran it.
    assert result.id in log_path.read_text()
