import pytest
from django.test import Client

from organizations.models import Role

from .cache import clear_test_cache
from .factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; keep tests independent of each other."""
    clear_test_cache()
    yield


@pytest.fixture(autouse=True)
def _tasks_run_in_process(settings):
    """Tests run tasks eagerly even when CI points the broker at Redis; the real-worker tests
    in tests/mentoring/test_celery_worker.py use a worker of their own."""
    from mentoring.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Acme", slug="acme")


@pytest.fixture
def member_of(db):
    """member_of(org, role) -> a user holding that role in org."""

    def make(organization, role=Role.MEMBER, **user_kwargs):
        user = UserFactory(**user_kwargs)
        MembershipFactory(organization=organization, user=user, role=role)
        return user

    return make


@pytest.fixture
def owner(org, member_of):
    return member_of(org, Role.OWNER)


@pytest.fixture
def admin_user(org, member_of):
    return member_of(org, Role.ADMIN)


@pytest.fixture
def client_for():
    """client_for(user) -> a Django test client signed in as user."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
