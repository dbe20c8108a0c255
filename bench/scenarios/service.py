"""Service scenarios: the queues per role, a request's page, the API list."""

from functools import cache

from bench.scenarios import http


@cache
def _visible_request(username: str):
    from bench.scenarios import Context
    from guanxi.service.selectors.requests import service_request_list

    rows = service_request_list(actor=Context().user(username)).select_related(None)
    found = rows.only("pk").filter(rounds__gte=2).first() or rows.only("pk").first()
    if found is None:
        raise LookupError(f"{username} sees no service request")
    return found


@http(
    "service.queue.mine.manager1",
    user="manager1",
    about="GET /service/?queue=mine (assigned to me, waiting for my handling)",
)
def queue_mine_manager(ctx) -> str:
    return "/service/?queue=mine"


@http(
    "service.queue.unassigned.supervisor",
    user="supervisor",
    about="GET /service/?queue=unassigned (new requests of the team)",
)
def queue_unassigned_supervisor(ctx) -> str:
    return "/service/?queue=unassigned"


@http(
    "service.queue.overdue.supervisor",
    user="supervisor",
    about="GET /service/?queue=overdue (open past their SLA, the team's)",
)
def queue_overdue_supervisor(ctx) -> str:
    return "/service/?queue=overdue"


@http("service.queue.all.exec", user="exec", about="GET /service/?queue=all (every request)")
def queue_all_exec(ctx) -> str:
    return "/service/?queue=all"


@http(
    "service.queue.overdue.exec",
    user="exec",
    about="GET /service/?queue=overdue (every open request past its SLA)",
)
def queue_overdue_exec(ctx) -> str:
    return "/service/?queue=overdue"


@http(
    "service.queue.search.exec",
    user="exec",
    about="GET /service/?queue=all&status=new&service_type=… (filters, all requests)",
)
def queue_filtered_exec(ctx) -> str:
    from guanxi.core.models import DictionaryEntry

    complaint = DictionaryEntry.objects.get(kind="service_type", code="complaint")
    return f"/service/?queue=all&status=new&service_type={complaint.pk}"


@http(
    "service.detail.manager1",
    user="manager1",
    about="GET /service/requests/<id>/ (a request with rounds, SLA, history)",
)
def request_detail_manager(ctx) -> str:
    return f"/service/requests/{_visible_request('manager1').pk}/"


@http(
    "api.service.list.supervisor",
    user="supervisor",
    about="GET /api/service-requests/ (the team's, with SLA)",
)
def api_list_supervisor(ctx) -> str:
    return "/api/service-requests/"


@http(
    "api.service.list.overdue.exec",
    user="exec",
    about="GET /api/service-requests/?overdue=true (all overdue)",
)
def api_list_overdue_exec(ctx) -> str:
    return "/api/service-requests/?overdue=true"
