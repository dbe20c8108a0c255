"""Service requests in each state, made through the services, for the service tests."""

from guanxi.service.models import ServiceRequest
from guanxi.service.services import requests as services
from tests.factories import dictionary


def new(org, customers, creator="manager1", customer="manager1", **fields) -> ServiceRequest:
    values = {
        "customer": customers[customer],
        "service_type": dictionary("service_type", "complaint"),
        "summary": "设备噪音过大",
        "request": "上周交付的两台设备运行时噪音很大，请尽快上门检查。",
        "channel": dictionary("channel", "phone"),
    }
    values.update(fields)
    return services.service_request_create(actor=org[creator], **values)


def assigned(org, customers, assignee="manager1", by="supervisor", **fields) -> ServiceRequest:
    return services.service_request_assign(
        actor=org[by], service_request=new(org, customers, **fields), assignee=org[assignee]
    )


def handled(org, customers, assignee="manager1", **fields) -> ServiceRequest:
    return services.service_request_handle(
        actor=org[assignee],
        service_request=assigned(org, customers, assignee=assignee, **fields),
        handling="已上门更换风扇。",
    )


def archived(org, customers, assignee="manager1", satisfaction=4, **fields) -> ServiceRequest:
    return services.service_request_feedback(
        actor=org[assignee],
        service_request=handled(org, customers, assignee=assignee, **fields),
        result="客户确认噪音已消除。",
        satisfaction=satisfaction,
    )


def fresh(service_request) -> ServiceRequest:
    return ServiceRequest.all_objects.get(pk=service_request.pk)


def on_timeline(org, customer, *, when=None, satisfaction=None) -> ServiceRequest:
    """A request of ``customer`` (filed by its owner) that came in at ``when``; archived or
    sent back with ``satisfaction`` when given."""
    owner = customer.owner.username
    customers = {owner: customer}
    if satisfaction is None:
        made = new(org, customers, creator=owner, customer=owner)
    else:
        made = services.service_request_feedback(
            actor=org[owner],
            service_request=handled(org, customers, assignee=owner, creator=owner, customer=owner),
            result="已解决",
            satisfaction=satisfaction,
        )
    if when is not None:
        ServiceRequest.all_objects.filter(pk=made.pk).update(created_at=when)
    return fresh(made)
