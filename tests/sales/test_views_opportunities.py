"""The opportunity pages: list, forms, detail with the plan (htmx), assignment and finishing."""

import re

from django.urls import reverse

from guanxi.customers.models import Customer
from guanxi.sales.models import Deal, Opportunity, PlanItem
from guanxi.sales.services import opportunities as services
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import CustomerFactory

LIST = reverse("sales:opportunity_list")
CREATE = reverse("sales:opportunity_create")


def new(org, creator="manager1", **fields) -> Opportunity:
    values = {"prospect_name": "宁波海天机械有限公司", "probability": 30, "summary": "设备更新"}
    values.update(fields)
    return services.opportunity_create(actor=org[creator], **values)


def assigned(org, assignee="manager1", creator="manager1", **fields) -> Opportunity:
    return services.opportunity_assign(
        actor=org["supervisor"], opportunity=new(org, creator, **fields), assignee=org[assignee]
    )


def page_url(opportunity, name="opportunity_detail", *extra) -> str:
    return reverse(f"sales:{name}", args=[opportunity.pk, *extra])


def row_pks(response) -> set[int]:
    html = response.content.decode()
    return {int(pk) for pk in re.findall(r'data-testid="opportunity-row" data-pk="(\d+)"', html)}


def form_data(**overrides) -> dict:
    data = {
        "prospect_name": "宁波海天机械有限公司",
        "probability": "30",
        "summary": "设备更新",
        "contact": "赵磊",
        "contact_phone": "0574-87654321",
        "description": "",
        "source": str(dictionary("source", "telemarketing").pk),
        "customer": "",
    }
    data.update(overrides)
    return data


# --- list -------------------------------------------------------------------------------------


def test_the_list_shows_the_scope_with_filters(org, login):
    own = new(org, prospect_name="甲公司")
    given = assigned(org, creator="supervisor", prospect_name="乙公司")
    other = new(org, "manager2", prospect_name="丙公司")
    north = new(org, "manager3")
    assert row_pks(login("manager1").get(LIST)) == {own.pk, given.pk}
    supervisor = login("supervisor")
    assert row_pks(supervisor.get(LIST)) == {own.pk, given.pk, other.pk}
    assert row_pks(supervisor.get(LIST, {"status": "assigned"})) == {given.pk}
    assert row_pks(supervisor.get(LIST, {"q": "丙"})) == {other.pk}
    assert row_pks(supervisor.get(LIST, {"mine": "on"})) == {given.pk}
    assert north.pk in row_pks(login("admin").get(LIST))
    partial = supervisor.get(LIST, {"q": "丙"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and row_pks(partial) == {other.pk}


def test_the_list_shows_bad_filters_instead_of_failing(org, login, english):
    response = login("manager1").get(LIST, {"status": "nonsense"})
    assert response.status_code == 200
    assert 'data-testid="filter-errors"' in response.content.decode()


def test_the_nav_has_an_opportunities_entry(login):
    body = login("manager1").get(LIST).content.decode()
    assert 'data-nav="opportunities" aria-current="page"' in body
    assert f'href="{LIST}"' in body


def test_the_list_needs_a_constant_number_of_queries(org, login, django_assert_max_num_queries):
    source = dictionary("source", "website")
    for index in range(3):
        new(org, prospect_name=f"P{index}", source=source)
    client = login("supervisor")
    client.get(LIST)  # warm the session and permission caches
    with django_assert_max_num_queries(14) as few:
        client.get(LIST)
    for index in range(20):
        opportunity = new(org, "manager2", prospect_name=f"Q{index}", source=source)
        if index % 2:
            services.opportunity_assign(
                actor=org["supervisor"], opportunity=opportunity, assignee=org["manager1"]
            )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(row_pks(response)) == 23


def test_pages_need_the_view_right(db, client, login, org):
    assert client.get(LIST).status_code == 302  # to the sign-in page
    opportunity = new(org)
    assert login("manager2").get(page_url(opportunity)).status_code == 404
    assert login("exec").get(CREATE).status_code == 403


# --- create, edit, delete ---------------------------------------------------------------------


def test_create_with_field_errors_then_success(org, login, english):
    client = login("manager1")
    assert client.get(CREATE).status_code == 200
    bad = client.post(CREATE, form_data(probability="101", summary="", contact_phone="x"))
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert {"probability", "summary", "contact_phone"} <= set(errors)
    assert not Opportunity.objects.exists()

    response = client.post(CREATE, form_data())
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302 and response["Location"] == page_url(opportunity)
    assert opportunity.created_by == org["manager1"] and opportunity.status == "unassigned"
    assert opportunity.source.code == "telemarketing"


def test_create_with_an_htmx_post_redirects_the_browser(login):
    response = login("manager1").post(CREATE, form_data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == page_url(Opportunity.objects.get())


def test_create_for_a_picked_customer(org, login, customers, english):
    client = login("manager1")
    customer = customers["manager1"]
    response = client.post(CREATE, form_data(prospect_name="", customer=customer.pk))
    assert response.status_code == 302
    opportunity = Opportunity.objects.get()
    assert opportunity.customer == customer and opportunity.prospect_name == customer.name
    unseen = client.post(CREATE, form_data(customer=customers["manager2"].pk))
    assert "customer" in unseen.context["form"].errors
    # Without the script the typed code is searched on the server (any case).
    typed = client.post(CREATE, form_data(prospect_name="", customer_text=customer.code.lower()))
    assert typed.status_code == 302
    nameless = client.post(CREATE, form_data(prospect_name=""))
    assert "prospect_name" in nameless.context["form"].errors


def test_edit_with_a_stale_version_is_a_conflict(org, login, english):
    opportunity = new(org)
    client = login("manager1")
    form = client.get(page_url(opportunity, "opportunity_edit"))
    assert form.status_code == 200 and form.context["form"]["version"].value() == 1
    services.opportunity_update(actor=org["supervisor"], opportunity=opportunity, probability=50)
    stale = client.post(page_url(opportunity, "opportunity_edit"), form_data(version="1"))
    assert stale.status_code == 409
    assert "Someone else changed this opportunity" in stale.content.decode()
    saved = client.post(page_url(opportunity, "opportunity_edit"), form_data(version="2"))
    assert saved.status_code == 302
    assert Opportunity.objects.get(pk=opportunity.pk).contact == "赵磊"


def test_an_assigned_opportunity_is_not_editable(org, login, english):
    opportunity = assigned(org)
    client = login("supervisor")
    detail = client.get(page_url(opportunity)).content.decode()
    assert 'data-testid="opportunity-edit"' not in detail
    response = client.get(page_url(opportunity, "opportunity_edit"), follow=True)
    assert "Only an unassigned opportunity" in response.content.decode()
    post = client.post(page_url(opportunity, "opportunity_edit"), form_data(version="2"))
    assert post.status_code == 200 and "Only an unassigned opportunity" in post.content.decode()
    assert Opportunity.objects.get(pk=opportunity.pk).summary == "设备更新"
    delete = client.post(page_url(opportunity, "opportunity_delete"), {"version": "2"})
    assert (
        delete.status_code == 302 and not Opportunity.all_objects.get(pk=opportunity.pk).is_deleted
    )


def test_a_non_creator_gets_403_on_the_edit_page(org, login):
    opportunity = new(org)
    assert login("assistant").get(page_url(opportunity, "opportunity_edit")).status_code == 403


def test_delete(org, login):
    opportunity = new(org)
    client = login("manager1")
    assert client.get(page_url(opportunity, "opportunity_delete")).status_code == 200
    stale = client.post(page_url(opportunity, "opportunity_delete"), {"version": "9"})
    assert stale.status_code == 409
    response = client.post(page_url(opportunity, "opportunity_delete"), {"version": "1"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert Opportunity.all_objects.get(pk=opportunity.pk).is_deleted


# --- detail, assignment -----------------------------------------------------------------------


def test_the_detail_page_offers_what_each_user_may_do(org, login, english):
    opportunity = new(org)
    own = login("manager1").get(page_url(opportunity)).content.decode()
    assert 'data-testid="opportunity-edit"' in own and 'data-testid="opportunity-delete"' in own
    assert 'data-testid="opportunity-assign-form"' not in own
    assert "starts once the opportunity is assigned" in own
    supervisor = login("supervisor").get(page_url(opportunity)).content.decode()
    assert 'data-testid="opportunity-assign-form"' in supervisor
    assert 'data-testid="history"' in supervisor
    read_only = login("exec").get(page_url(opportunity)).content.decode()
    assert 'data-testid="opportunity-edit"' not in read_only
    assert 'data-testid="opportunity-assign-form"' not in read_only


def test_assign_from_the_detail_page(org, login, english):
    opportunity = new(org)
    client = login("supervisor")
    target = page_url(opportunity, "opportunity_assign")
    outside = client.post(
        target, {"assigned_to": org["manager3"].pk, "version": 1}, HTTP_HX_REQUEST="true"
    )
    assert outside.status_code == 200
    assert 'data-testid="opportunity-assign-form"' in outside.content.decode()
    assert "this one is not available to you" in outside.content.decode()
    stale = client.post(target, {"assigned_to": org["manager1"].pk, "version": 5})
    assert stale.status_code == 409 and "Someone else changed" in stale.content.decode()
    done = client.post(
        target, {"assigned_to": org["manager1"].pk, "version": 1}, HTTP_HX_REQUEST="true"
    )
    assert done["HX-Redirect"] == page_url(opportunity)
    row = Opportunity.objects.get(pk=opportunity.pk)
    assert row.assigned_to == org["manager1"] and row.assigned_by == org["supervisor"]
    twice = client.post(target, {"assigned_to": org["manager2"].pk, "version": 2})
    assert twice.status_code == 200 and "already assigned to" in twice.content.decode()
    assert (
        login("manager1")
        .post(target, {"assigned_to": org["manager1"].pk, "version": 2})
        .status_code
        == 403
    )


def test_the_assignee_adds_plan_items_with_htmx(org, login, english):
    opportunity = assigned(org, creator="supervisor")
    client = login("manager1")
    detail = client.get(page_url(opportunity)).content.decode()
    assert 'data-testid="plan-item-form"' in detail
    assert 'data-testid="opportunity-succeed"' in detail
    target = page_url(opportunity, "plan_item_create")
    added = client.post(
        target, {"date": "2026-04-01", "content": "拜访采购部"}, HTTP_HX_REQUEST="true"
    )
    body = added.content.decode()
    assert added.status_code == 200 and "<html" not in body
    assert 'id="plan-items"' in body and "拜访采购部" in body
    invalid = client.post(target, {"date": "", "content": ""}, HTTP_HX_REQUEST="true")
    assert invalid.status_code == 200 and invalid.context["plan_form"].errors.keys() >= {
        "date",
        "content",
    }
    plain = client.post(target, {"date": "2026-04-08", "content": "技术交流"})
    assert plain.status_code == 302
    assert list(PlanItem.objects.values_list("content", flat=True)) == ["拜访采购部", "技术交流"]


def test_a_supervisor_of_the_team_writes_the_plan_on_the_page_but_does_not_finish(
    org, login, english
):
    opportunity = assigned(org)
    client = login("supervisor")
    detail = client.get(page_url(opportunity)).content.decode()
    assert 'data-testid="plan-item-form"' in detail
    assert 'data-testid="opportunity-succeed"' not in detail
    added = client.post(
        page_url(opportunity, "plan_item_create"),
        {"date": "2026-04-01", "content": "安排技术交流"},
        HTTP_HX_REQUEST="true",
    )
    assert added.status_code == 200 and "written by 李华东" in added.content.decode()
    item = PlanItem.objects.get()
    assert item.created_by == org["supervisor"]
    recorded = client.post(
        page_url(opportunity, "plan_item_result", item.pk),
        {"result": "客户技术部认可"},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-testid="plan-item-result-author">李华东<' in recorded.content.decode()


def test_others_cannot_write_the_plan(org, login, english):
    opportunity = assigned(org, creator="manager2")
    detail = login("manager2").get(page_url(opportunity)).content.decode()
    assert 'data-testid="plan-item-form"' not in detail
    assert 'data-testid="opportunity-succeed"' not in detail
    response = login("manager2").post(
        page_url(opportunity, "plan_item_create"), {"date": "2026-04-01", "content": "x"}
    )
    assert response.status_code == 403
    north = login("supervisor2").post(
        page_url(opportunity, "plan_item_create"), {"date": "2026-04-01", "content": "x"}
    )
    assert north.status_code == 404
    unassigned = new(org)
    early = login("manager1").post(
        page_url(unassigned, "plan_item_create"),
        {"date": "2026-04-01", "content": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert "Assign this opportunity first" in early.content.decode()
    assert not PlanItem.objects.exists()


def test_the_assignee_records_a_result_with_htmx(org, login, english):
    opportunity = assigned(org, creator="manager2")
    item = services.plan_item_create(
        actor=org["manager1"], opportunity=opportunity, date="2026-04-01", content="拜访"
    )
    client = login("manager1")
    target = page_url(opportunity, "plan_item_result", item.pk)
    empty = client.post(target, {"result": ""}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    response = client.post(target, {"result": "客户同意试用"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.startswith("<li") and 'data-testid="plan-item-result"' in body
    assert "客户同意试用" in body
    assert PlanItem.objects.get(pk=item.pk).result == "客户同意试用"
    plain = client.post(target, {"result": "已试用"})
    assert plain.status_code == 302
    other = assigned(org)
    assert (
        client.post(page_url(other, "plan_item_result", item.pk), {"result": "x"}).status_code
        == 404
    )
    assert login("manager2").post(target, {"result": "x"}).status_code == 403


def test_earlier_results_stay_on_the_page_with_their_authors(
    org, login, english, django_assert_max_num_queries
):
    opportunity = assigned(org)
    for day in (1, 2, 3):
        item = services.plan_item_create(
            actor=org["manager1"], opportunity=opportunity, date=f"2026-04-0{day}", content="拜访"
        )
        services.plan_item_record_result(actor=org["manager1"], item=item, result=f"初步结果{day}")
        services.plan_item_record_result(actor=org["supervisor"], item=item, result=f"补充{day}")
    client = login("manager1")
    client.get(page_url(opportunity))  # warm the session and permission caches
    with django_assert_max_num_queries(40) as few:
        body = client.get(page_url(opportunity)).content.decode()
    assert body.count('data-testid="plan-item-earlier-result"') == 3
    assert "初步结果2" in body and "补充2" in body
    assert body.count('data-testid="plan-item-result-author">李华东<') == 3
    for day in (4, 5, 6, 7):
        item = services.plan_item_create(
            actor=org["manager1"], opportunity=opportunity, date=f"2026-04-0{day}", content="再访"
        )
        services.plan_item_record_result(actor=org["manager1"], item=item, result="好")
        services.plan_item_record_result(actor=org["manager1"], item=item, result="更好")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(page_url(opportunity))


# --- finishing --------------------------------------------------------------------------------


def test_success_opens_the_new_customer(org, login, english):
    opportunity = assigned(org, contact="赵磊", contact_phone="13700002222")
    client = login("manager1")
    page = client.get(page_url(opportunity, "opportunity_succeed"))
    assert page.status_code == 200 and "赵磊 becomes its primary contact" in page.content.decode()
    response = client.post(page_url(opportunity, "opportunity_succeed"), {"version": "2"})
    customer = Customer.objects.get(name="宁波海天机械有限公司")
    assert response.status_code == 302 and response["Location"] == customer.get_absolute_url()
    customer_page = client.get(response["Location"])
    assert customer_page.status_code == 200
    assert "Created from the sales opportunity" in customer_page.content.decode()
    detail = client.get(page_url(opportunity)).content.decode()
    assert 'data-testid="opportunity-customer"' in detail
    assert 'data-testid="plan-item-form"' not in detail


def test_success_may_open_the_deal_and_each_page_links_the_other(org, login, english):
    opportunity = assigned(org, expected_amount="80000", expected_close_date="2026-10-31")
    client = login("manager1")
    form = client.get(page_url(opportunity, "opportunity_succeed")).content.decode()
    assert 'name="open_deal"' in form
    response = client.post(
        page_url(opportunity, "opportunity_succeed"), {"version": "2", "open_deal": "on"}
    )
    assert response.status_code == 302
    deal = Deal.objects.get(opportunity=opportunity)
    assert deal.amount == 80000
    detail = client.get(page_url(opportunity)).content.decode()
    assert f'href="{deal.get_absolute_url()}" data-testid="opportunity-deal"' in detail
    assert 'data-field="expected_amount">¥80,000.00<' in detail
    deal_page = client.get(deal.get_absolute_url()).content.decode()
    assert f'href="{opportunity.get_absolute_url()}" data-testid="deal-opportunity"' in deal_page


def test_success_lists_duplicates_and_asks_for_confirmation(org, login, english):
    mine = CustomerFactory(owner=org["manager1"], name="宁波海天机械")
    opportunity = assigned(org)
    client = login("manager1")
    target = page_url(opportunity, "opportunity_succeed")
    refused = client.post(target, {"version": "2"}, HTTP_HX_REQUEST="true")
    body = refused.content.decode()
    assert refused.status_code == 200 and 'data-testid="duplicate-warning"' in body
    assert f'data-pk="{mine.pk}"' in body and 'name="confirm_duplicate"' in body
    assert Opportunity.objects.get(pk=opportunity.pk).status == "assigned"
    confirmed = client.post(
        target, {"version": "2", "confirm_duplicate": "on"}, HTTP_HX_REQUEST="true"
    )
    assert "HX-Redirect" in confirmed
    assert Customer.objects.filter(name="宁波海天机械有限公司").exists()


def test_success_refused_for_others_and_stale(org, login, english):
    opportunity = assigned(org)
    target = page_url(opportunity, "opportunity_succeed")
    assert login("supervisor").post(target, {"version": "2"}).status_code == 403
    stale = login("manager1").post(target, {"version": "1"})
    assert stale.status_code == 409


def test_terminate(org, login, english):
    opportunity = assigned(org)
    client = login("manager1")
    target = page_url(opportunity, "opportunity_terminate")
    assert client.get(target).status_code == 200
    missing = client.post(target, {"version": "2"})
    assert missing.status_code == 200 and "reason" in missing.context["form"].errors
    reason = dictionary("lost_reason", "no_decision")
    response = client.post(target, {"version": "2", "reason": reason.pk, "details": "再议"})
    assert response.status_code == 302 and response["Location"] == page_url(opportunity)
    row = Opportunity.objects.get(pk=opportunity.pk)
    assert row.status == "lost" and row.lost_reason == reason
    detail = client.get(page_url(opportunity)).content.decode()
    assert "No decision" in detail and "再议" in detail
    again = client.post(target, {"version": "3", "reason": reason.pk})
    assert again.status_code == 200 and "closed" in again.content.decode()


def test_success_for_a_linked_customer_outside_the_scope_stays_on_the_opportunity(
    org, login, customers
):
    # The supervisor links their own customer, then gives the development to manager1.
    opportunity = assigned(org, creator="supervisor", customer=customers["supervisor"])
    response = login("manager1").post(
        page_url(opportunity, "opportunity_succeed"), {"version": "2"}
    )
    assert response.status_code == 302 and response["Location"] == page_url(opportunity)
    assert Opportunity.objects.get(pk=opportunity.pk).customer == customers["supervisor"]
