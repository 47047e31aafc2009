"""Exactly once, proven with a real worker: a batch of reminders is sent by a Celery worker
taking its task from Redis; the worker is killed (SIGKILL) mid-batch, a new one starts, the
broker redelivers the unacknowledged task, and the mailbox ends up with every reminder exactly
once.

The worker is a separate process, so it must see the test's rows: the test commits them
(transactional) to the PostgreSQL test database and hands the worker that database's URL. On
SQLite the test database lives in this process's memory, so the test needs PostgreSQL.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from django.db import connection
from django.utils import timezone

from mentorships.models import Meeting
from organizations.models import Person, SentNotification

from ..factories import OrganizationFactory
from ..mentoring.test_celery_worker import (
    BASE_DIR,
    REDIS_URL,
    _forget_queue,
    _wait_until_ready,
    redis_available,  # noqa: F401  (a fixture)
)
from .clock import zone_at_nine
from .meeting_fixtures import make_pair

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PAIRS = 10  # two members each: 20 reminders
SEND_DELAY = 0.5  # seconds before each send, so the test can kill the worker mid-batch
VISIBILITY_TIMEOUT = 5  # seconds before Redis hands an unacknowledged task to another worker
KILL_AFTER = 5  # emails on disk


@pytest.fixture
def postgres_database(transactional_db):
    if connection.vendor != "postgresql":
        message = (
            "the worker must share the test database: run with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_<name> (CI does)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_factory(redis_available, postgres_database, tmp_path):  # noqa: F811
    """start() -> a worker process on a throwaway queue, sharing the test database and writing
    emails as files; every worker started is stopped at the end."""
    queue = f"tandem-test-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": postgres_database,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "TANDEM_REMINDER_SEND_DELAY": str(SEND_DELAY),
    }
    processes = []

    def start():
        log_path = tmp_path / f"worker-{len(processes) + 1}.log"
        command = [
            *(sys.executable, "-m", "celery", "-A", "mentoring", "worker"),
            *("--pool=solo", "--queues", queue, "--hostname", f"{queue}-{len(processes)}@%h", "--loglevel", "INFO"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ]
        with log_path.open("w") as log:
            process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        processes.append((process, log_path))
        _wait_until_ready(process, log_path)
        return process

    def logs():
        return "\n".join(f"--- {path.name}\n{path.read_text()}" for _, path in processes)

    try:
        yield start, queue, mail_dir, logs
    finally:
        for process, _ in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=15)
        _forget_queue(queue)


def twenty_reminders():
    """Ten pairs whose members' clocks show 09:xx, each pair meeting in three hours: each of the
    20 members is due exactly one reminder (meeting coming up)."""
    org = OrganizationFactory(slug="worker-test")
    zone_name, _ = zone_at_nine()
    for n in range(PAIRS):
        pair = make_pair(org, names=(f"Mentor {n}", f"Mentee {n}"), zones=(zone_name, zone_name), started_days_ago=3)
        Meeting.objects.create(
            organization=org,
            mentorship=pair.mentorship,
            starts_at=timezone.now() + timedelta(hours=3),
            duration_minutes=45,
            uid=f"{uuid.uuid4()}@test",
        )
    return org


SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # what the file backend writes after each message


def sent_emails(mail_dir):
    """Every message the file backend wrote (a file per connection; two connections in the same
    second may share one)."""
    return [
        message_from_bytes(raw, policy=default_policy)
        for path in sorted(mail_dir.iterdir())
        for raw in path.read_bytes().split(SEPARATOR)[:-1]
    ]


def wait_for(condition, timeout, logs, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}; worker logs:\n{logs()}")


def test_a_worker_killed_mid_batch_sends_every_reminder_exactly_once(worker_factory, monkeypatch):
    from celery import Celery

    start, queue, mail_dir, logs = worker_factory
    org = twenty_reminders()
    expected = set(Person.objects.filter(organization=org).values_list("user__email", flat=True))
    assert len(expected) == 2 * PAIRS

    first = start()
    monkeypatch.setenv("CELERY_BROKER_URL", REDIS_URL)  # see test_celery_worker.py
    client = Celery("tandem-test-client", broker=REDIS_URL, set_as_current=False)
    # Not the current app: shared tasks of later tests must stay bound to the suite's eager app.
    client.conf.update(task_serializer="json", accept_content=["json"])
    try:
        client.send_task("mentorships.tasks.send_organization_reminders_task", args=[org.pk], queue=queue)
        sent_at = time.monotonic()

        wait_for(lambda: len(sent_emails(mail_dir)) >= KILL_AFTER, 60, logs, f"{KILL_AFTER} emails")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=15)
        before_restart = len(sent_emails(mail_dir))
        assert KILL_AFTER <= before_restart < 2 * PAIRS, "the worker should have died mid-batch"

        # Redis hands the unacknowledged task on once its visibility timeout has passed; the new
        # worker sweeps for such tasks as it starts.
        time.sleep(max(0.0, sent_at + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
        start()
        wait_for(lambda: len(sent_emails(mail_dir)) >= 2 * PAIRS, 120, logs, "the redelivered batch")
        time.sleep(3 * SEND_DELAY)  # anything extra would arrive by now
    finally:
        client.close()

    messages = sent_emails(mail_dir)
    recipients = [message["To"] for message in messages]
    assert len(messages) == 2 * PAIRS, logs()
    assert sorted(recipients) == sorted(expected)  # everyone once, nobody twice
    assert all(message["Subject"].startswith("Meeting coming up") for message in messages)
    keys = list(SentNotification.objects.filter(organization=org).values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 2 * PAIRS
    # The second worker really re-ran the task the first one was killed in.
    assert "send_organization_reminders_task" in logs().split("--- worker-2.log")[1]
