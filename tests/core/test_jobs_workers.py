"""Background jobs run by a real worker, on the database backend and on Redis/RQ."""

import os

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path
from django_tasks_db.models import DBTaskResult

from guanxi.accounts.models import User
from guanxi.accounts.services.users import user_deactivate
from guanxi.accounts.tasks import end_user_sessions
from tests.core.fixtures.jobs import run_db_worker

TEST_REDIS_URL = os.environ.get("GUANXI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
END_SESSIONS = "guanxi.accounts.tasks.end_user_sessions"


def sign_out_everywhere(request, pk):
    """A stand-in admin action: enqueues the job after its transaction commits, like services do."""
    with transaction.atomic():
        transaction.on_commit(lambda: end_user_sessions.enqueue(user_id=pk))
    return HttpResponse("queued")


urlpatterns = [path("sign-out/<int:pk>/", sign_out_everywhere)]


def signed_in_session(user: User) -> str:
    client = Client()
    client.force_login(user)  # records the login (with its session key) in the login history
    return client.session.session_key


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF=__name__)
def test_job_enqueued_in_a_request_ends_sessions_in_the_db_worker(org, login):
    session_key = signed_in_session(org["manager1"])

    response = login("admin").post(f"/sign-out/{org['manager1'].pk}/")

    assert response.status_code == 200
    # Enqueued, not run: the session lives until a worker picks the job up.
    queued = DBTaskResult.objects.get(task_path=END_SESSIONS)
    assert queued.status == "READY"
    assert Session.objects.filter(session_key=session_key).exists()

    run_db_worker()

    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value == 1
    assert not Session.objects.filter(session_key=session_key).exists()


@pytest.mark.django_db(transaction=True)
def test_deactivating_a_user_enqueues_the_job_after_commit(org):
    signed_in_session(org["manager2"])

    user_deactivate(actor=org["admin"], user=org["manager2"])

    job = DBTaskResult.objects.get(task_path=END_SESSIONS)
    assert job.args_kwargs["kwargs"] == {"user_id": org["manager2"].pk}
    run_db_worker()
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_failed_deactivation_enqueues_nothing(org):
    with pytest.raises(ValidationError):
        user_deactivate(actor=org["admin"], user=org["admin"])
    assert not DBTaskResult.objects.filter(task_path=END_SESSIONS).exists()


@pytest.fixture
def redis_queue():
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        # CI names its Redis explicitly: there a missing server is a failure, not a skip.
        if "GUANXI_TEST_REDIS_URL" in os.environ:
            raise
        pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL}")
    rq_settings = {"default": {"URL": TEST_REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    with override_settings(RQ_QUEUES=rq_settings, TASKS=tasks):
        import django_rq

        queue = django_rq.get_queue("default")
        queue.empty()
        yield queue
        queue.empty()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF=__name__)
def test_job_enqueued_in_a_request_ends_sessions_in_an_rq_worker(org, login, redis_queue):
    from django_tasks_rq import Job
    from rq import SimpleWorker

    session_key = signed_in_session(org["manager3"])
    finished_before = set(redis_queue.finished_job_registry.get_job_ids())

    response = login("admin").post(f"/sign-out/{org['manager3'].pk}/")

    assert response.status_code == 200
    assert redis_queue.count == 1
    assert not DBTaskResult.objects.exists()  # it went to Redis, not to the database queue
    assert Session.objects.filter(session_key=session_key).exists()

    worker = SimpleWorker([redis_queue], connection=redis_queue.connection, job_class=Job)
    assert worker.work(burst=True)

    assert redis_queue.count == 0
    assert not Session.objects.filter(session_key=session_key).exists()
    (job_id,) = set(redis_queue.finished_job_registry.get_job_ids()) - finished_before
    result = end_user_sessions.get_result(job_id)
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 1


@pytest.mark.django_db(transaction=True)
def test_deactivating_on_the_users_page_queues_the_job_for_the_worker(org, login):
    from django.urls import reverse

    signed_in_session(org["assistant"])

    response = login("admin").post(reverse("accounts:user_deactivate", args=[org["assistant"].pk]))

    assert response.status_code in (200, 302)
    job = DBTaskResult.objects.get(task_path=END_SESSIONS)
    assert job.args_kwargs["kwargs"] == {"user_id": org["assistant"].pk}
    run_db_worker()
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    assert not User.objects.get(pk=org["assistant"].pk).is_active
