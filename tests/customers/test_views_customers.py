"""The customer pages: list, detail, create, edit, delete and contacts, per role and scope."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from guanxi.accounts.models import User
from guanxi.core.models import DictionaryEntry
from guanxi.core.pinyin import pinyin_sort_key
from guanxi.customers.models import Contact, Customer
from guanxi.customers.services import customers as services
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

LIST = reverse("customers:list")

# Whose customers (by the owner key of the ``customers`` fixture) each role sees.
SCOPE = {
    "manager1": {"manager1"},
    "manager2": {"manager2"},
    "supervisor": {"manager1", "manager2", "supervisor"},
    "supervisor2": {"manager3", "supervisor2"},
    "assistant": {"manager1"},
    "exec": {"manager1", "manager2", "manager3", "supervisor", "supervisor2", "pool"},
    "admin": {"manager1", "manager2", "manager3", "supervisor", "supervisor2", "pool"},
}


def row_pks(response) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(
            r'data-testid="customer-row" data-pk="(\d+)"', response.content.decode()
        )
    ]


def speak(user: User, language: str) -> None:
    User.objects.filter(pk=user.pk).update(language=language)


def customer_data(**overrides) -> dict:
    data = {
        "name": "上海新客户有限公司",
        "kind": "company",
        "credit_status": "normal",
        "phone": "021-55550000",
        "email": "",
        "address": "",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- list -----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", sorted(SCOPE))
def test_list_shows_exactly_the_customers_in_scope(customers, login, username):
    response = login(username).get(LIST)
    assert response.status_code == 200
    assert response.context["active_nav"] == "customers"
    assert set(row_pks(response)) == {customers[key].pk for key in SCOPE[username]}


def test_list_needs_sign_in(customers, client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_pool_customers_are_shown_as_pool(customers, login, english):
    content = login("exec").get(LIST).content.decode()
    row = re.search(rf'data-pk="{customers["pool"].pk}".*?</tr>', content, re.DOTALL).group(0)
    assert 'data-testid="pool"' in row
    assert "Pool" in row


def test_credit_hold_is_highlighted_in_the_list(customers, login):
    held = customers["manager1"]
    Customer.objects.filter(pk=held.pk).update(credit_status=Customer.CreditStatus.ON_HOLD)
    content = login("manager1").get(LIST).content.decode()
    assert f'data-pk="{held.pk}" class="credit-hold"' in content
    assert 'data-testid="credit-hold"' in content


def test_executives_get_no_create_button_but_managers_do(customers, login):
    assert 'data-testid="customer-create"' not in login("exec").get(LIST).content.decode()
    assert 'data-testid="customer-create"' in login("manager1").get(LIST).content.decode()


@pytest.mark.parametrize("field", ["name", "code", "phone", "email"])
def test_search_by_name_code_phone_or_email(customers, login, field):
    wanted = customers["manager2"]
    other = CustomerFactory(owner=wanted.owner, name="完全不同的公司", phone="0000", email="x@y.cn")
    term = getattr(wanted, field)
    response = login("supervisor").get(LIST, {"q": term})
    assert wanted.pk in row_pks(response)
    assert other.pk not in row_pks(response)


def test_search_stays_within_scope(customers, login):
    response = login("manager1").get(LIST, {"q": customers["manager2"].code})
    assert row_pks(response) == []
    assert 'data-testid="customer-table-empty"' in response.content.decode()


def test_filters_narrow_the_list(customers, login):
    one, two = customers["manager1"], customers["manager2"]
    major, east = dictionary("customer_level", "major"), dictionary("region", "east")
    it = dictionary("industry", "it")
    Customer.objects.filter(pk=one.pk).update(
        level=major,
        region=east,
        industry=it,
        status=Customer.Status.CHURN_WARNING,
        credit_status=Customer.CreditStatus.ON_HOLD,
    )
    client = login("supervisor")
    for params in [
        {"level": "major"},
        {"region": "east"},
        {"industry": "it"},
        {"status": "churn_warning"},
        {"credit_status": "on_hold"},
        {"owner": str(one.owner_id)},
        {"level": "major", "region": "east", "status": "churn_warning"},
    ]:
        assert row_pks(client.get(LIST, params)) == [one.pk], params
    assert set(row_pks(client.get(LIST, {"owner": str(two.owner_id)}))) == {two.pk}


def test_the_pool_filter_shows_customers_without_owner(customers, login):
    assert row_pks(login("exec").get(LIST, {"owner": "pool"})) == [customers["pool"].pk]


@pytest.mark.parametrize(
    "params",
    [
        {"level": "no-such-level"},
        {"status": "bogus"},
        {"credit_status": "frozen"},
        {"owner": "999999"},
        {"owner": "abc"},
        {"q": "x" * 101},
    ],
)
def test_an_unknown_filter_value_is_a_field_error_not_a_crash(customers, login, params):
    response = login("manager1").get(LIST, params)
    assert response.status_code == 200
    field = next(iter(params))
    assert response.context["form"].errors[field]
    assert 'data-testid="filter-errors"' in response.content.decode()
    # The page still lists what the user may see.
    assert row_pks(response) == [customers["manager1"].pk]


def test_an_owner_outside_the_scope_cannot_be_filtered_on(customers, login):
    response = login("manager1").get(LIST, {"owner": str(customers["manager2"].owner_id)})
    assert response.context["form"].errors["owner"]
    assert customers["manager2"].pk not in row_pks(response)


def test_sorting_by_a_column_and_back(customers, login):
    client = login("exec")
    names = {c.pk: c.name for c in Customer.objects.all()}
    ascending = row_pks(client.get(LIST, {"sort": "name"}))
    # By pinyin (core.pinyin), not by code point: 彩虹 cai before 凌云 ling.
    assert [names[pk] for pk in ascending] == sorted(names.values(), key=pinyin_sort_key)
    descending = row_pks(client.get(LIST, {"sort": "-name"}))
    assert descending == list(reversed(ascending))


def test_sorting_by_owner_puts_the_pool_last(customers, login):
    assert row_pks(login("exec").get(LIST, {"sort": "owner"}))[-1] == customers["pool"].pk


def test_an_unknown_sort_falls_back_to_the_default(customers, login):
    client = login("exec")
    default = row_pks(client.get(LIST))
    response = client.get(LIST, {"sort": "password; drop table"})
    assert response.status_code == 200
    assert row_pks(response) == default
    assert response.context["sort"] == "created"


def test_header_links_toggle_the_sort_and_keep_the_filters(customers, login):
    content = login("manager1").get(LIST, {"sort": "name", "q": "公司"}).content.decode()
    assert re.search(r'href="/customers/\?[^"]*sort=-name[^"]*"[^>]*data-sort="name"', content)
    assert "q=%E5%85%AC%E5%8F%B8" in content
    assert 'aria-sort="ascending"' in content


def test_keyset_pages_walk_through_all_customers(org, login):
    made = {CustomerFactory(owner=org["manager1"]).pk for _ in range(30)}
    client = login("manager1")
    first = client.get(LIST)
    assert len(row_pks(first)) == 25
    page = first.context["page"]
    assert page.has_next and not page.has_previous
    second = client.get(LIST, {"cursor": page.next_cursor})
    assert len(row_pks(second)) == 5
    assert set(row_pks(first)) | set(row_pks(second)) == made
    assert 'data-testid="pager-previous"' in second.content.decode()
    back = client.get(LIST, {"cursor": second.context["page"].previous_cursor})
    assert row_pks(back) == row_pks(first)


def test_a_bad_cursor_shows_the_first_page(customers, login):
    client = login("exec")
    response = client.get(LIST, {"cursor": "garbage!!"})
    assert response.status_code == 200
    assert row_pks(response) == row_pks(client.get(LIST))


def test_htmx_requests_get_only_the_table(customers, login):
    response = login("manager1").get(LIST, {"q": "公司"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'id="customer-filters"' not in content
    assert 'data-testid="customer-table"' in content
    assert "HX-Request" in response["Vary"]
    # The filter form's sort follows a header click made through htmx.
    assert 'id="customer-sort" value="created" hx-swap-oob="true"' in content


def test_a_reload_keeps_the_search_and_filters(customers, login):
    content = login("manager1").get(LIST, {"q": "某某", "status": "churned"}).content.decode()
    search = re.search(r'<input type="search"(?:(?!global-search).)*?>', content, re.DOTALL).group(
        0
    )
    assert 'value="某某"' in search
    assert '<option value="churned" selected>' in content


def test_an_htmx_history_restore_gets_the_whole_page(customers, login):
    response = login("manager1").get(
        LIST, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_the_search_box_updates_the_table_and_pushes_the_url(customers, login):
    content = login("manager1").get(LIST).content.decode()
    search = re.search(r'<input type="search"(?:(?!global-search).)*?>', content, re.DOTALL).group(
        0
    )
    assert 'hx-trigger="input changed delay:300ms, search"' in search
    assert 'hx-target="#customer-table"' in search
    assert 'hx-push-url="true"' in search


def _list_queries(client, django_assert_max_num_queries) -> int:
    # 17: one loads the header's unread-notification count, one the viewer's field protection
    # rules; two are every list's (the count of matching rows and the saved views menu); one
    # the province and city filter's choices.
    with django_assert_max_num_queries(17) as captured:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("username", ["manager1", "supervisor", "exec", "assistant"])
def test_the_list_needs_a_constant_small_number_of_queries(
    org, login, django_assert_max_num_queries, username
):
    big, east = dictionary("customer_level", "major"), dictionary("region", "east")
    for _ in range(3):
        CustomerFactory(owner=org["manager1"], level=big, region=east)
    client = login(username)
    few = _list_queries(client, django_assert_max_num_queries)
    for _ in range(27):
        CustomerFactory(owner=org["manager1"], level=big, region=east)
    CustomerFactory(owner=None)
    many = _list_queries(client, django_assert_max_num_queries)
    assert many == few


# --- detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize("username", sorted(SCOPE))
def test_detail_answers_in_scope_and_404_outside(customers, login, username):
    client = login(username)
    # The pool is readable (read-only) by everyone with the view right: selectors_pool.
    readable = SCOPE[username] | {"pool"}
    for key, customer in customers.items():
        response = client.get(reverse("customers:detail", args=[customer.pk]))
        assert response.status_code == (200 if key in readable else 404), key


def test_detail_shows_the_profile_with_dictionary_labels(customers, login, english):
    customer = customers["manager1"]
    Customer.objects.filter(pk=customer.pk).update(
        level=dictionary("customer_level", "major"), region=dictionary("region", "east")
    )
    content = login("manager1").get(reverse("customers:detail", args=[customer.pk])).content
    content = content.decode()
    assert "Major account" in content
    assert "East China" in content
    assert customer.code in content


def test_detail_labels_follow_the_language(customers, login):
    customer = customers["manager1"]
    Customer.objects.filter(pk=customer.pk).update(level=dictionary("customer_level", "major"))
    content = login("manager1").get(reverse("customers:detail", args=[customer.pk])).content
    assert "大客户" in content.decode()


def test_credit_hold_banner(customers, login):
    customer = customers["manager1"]
    url = reverse("customers:detail", args=[customer.pk])
    client = login("manager1")
    assert 'data-testid="credit-hold-banner"' not in client.get(url).content.decode()
    Customer.objects.filter(pk=customer.pk).update(credit_status=Customer.CreditStatus.ON_HOLD)
    content = client.get(url).content.decode()
    assert re.search(r'role="alert" data-testid="credit-hold-banner"', content)


def test_contacts_are_listed_with_the_primary_marked(customers, login):
    customer = customers["manager1"]
    other = ContactFactory(customer=customer, name="次要联系人", is_primary=False)
    content = login("manager1").get(reverse("customers:detail", args=[customer.pk])).content
    content = content.decode()
    primary = customer.contacts.get(is_primary=True)
    assert primary.name in content and other.name in content
    assert content.count('data-testid="primary-contact"') == 1
    marked = re.search(r'data-primary="true">\s*<td[^>]*>([^<]*)', content).group(1)
    assert marked.strip() == primary.name


def test_detail_shows_the_audit_history_when_opened(org, login):
    customer = services.customer_create(actor=org["manager1"], name="有历史的公司")
    services.customer_update(actor=org["manager1"], customer=customer, name="改过名的公司")
    client = login("manager1")
    detail = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    history_url = reverse("customers:history", args=[customer.pk])
    assert f'hx-get="{history_url}"' in detail
    content = client.get(history_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="history"' in content
    assert content.count('data-testid="history-entry"') == 2
    assert "有历史的公司" in content


def test_detail_buttons_follow_the_rights(customers, login):
    url = reverse("customers:detail", args=[customers["manager1"].pk])
    executive = login("exec").get(url).content.decode()
    for button in ("customer-edit", "customer-delete", "contact-create"):
        assert f'data-testid="{button}"' not in executive
    manager = login("manager1").get(url).content.decode()
    for button in ("customer-edit", "customer-delete", "contact-create"):
        assert f'data-testid="{button}"' in manager
    assistant = login("assistant").get(url).content.decode()
    assert 'data-testid="customer-edit"' in assistant
    assert 'data-testid="customer-delete"' not in assistant


def test_detail_query_count(customers, login, django_assert_max_num_queries):
    customer = customers["manager1"]
    for _ in range(5):
        ContactFactory(customer=customer)
    client = login("manager1")
    # The 360 page: a bounded query per timeline source, the key figures, the unread count
    # (orders, deals, quotes, contracts, receivables and service requests add their timeline
    # sources; orders, the open pipeline, the receivables and the service requests their
    # key-figure aggregates).
    with django_assert_max_num_queries(27):  # 26 once the comment content type is cached
        response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200


# --- create ---------------------------------------------------------------------------------

CREATE = reverse("customers:create")


def test_a_manager_creates_an_own_customer(org, login):
    manager = org["manager1"]
    response = login("manager1").post(
        CREATE, customer_data(owner=manager.pk, level=dictionary("customer_level", "major").pk)
    )
    customer = Customer.objects.get(name="上海新客户有限公司")
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert customer.owner == manager
    assert customer.created_by == manager
    assert customer.on_behalf_of is None
    assert customer.code.startswith("KH")
    assert customer.level.code == "major"


def test_the_create_form_offers_only_assignable_owners(org, login):
    form = login("manager1").get(CREATE).context["form"]
    assert list(form.fields["owner"].queryset) == [org["manager1"]]
    assert form.initial["owner"] == org["manager1"].pk
    supervisor_form = login("supervisor").get(CREATE).context["form"]
    offered = {user.username for user in supervisor_form.fields["owner"].queryset}
    assert {"manager1", "manager2", "supervisor"} <= offered
    assert "manager3" not in offered


def test_the_create_form_offers_only_active_dictionary_entries_of_the_right_kind(org, login):
    retired = dictionary("customer_level", "partner")
    DictionaryEntry.objects.filter(pk=retired.pk).update(is_active=False)
    form = login("manager1").get(CREATE).context["form"]
    levels = set(form.fields["level"].queryset)
    assert retired not in levels
    assert {entry.kind for entry in levels} == {"customer_level"}
    assert {entry.kind for entry in form.fields["region"].queryset} == {"region"}
    response = login("manager1").post(
        CREATE, customer_data(owner=org["manager1"].pk, level=retired.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["level"]
    assert not Customer.objects.filter(name="上海新客户有限公司").exists()


def test_missing_name_is_a_field_error_in_chinese(org, login):
    response = login("manager1").post(CREATE, customer_data(name="", owner=org["manager1"].pk))
    assert response.status_code == 200
    with translation.override("zh-hans"):
        required = translation.gettext("This field is required.")
    assert required in ("这个字段是必填项。", "该字段是必填项。")
    assert response.context["form"].errors["name"] == [required]
    assert required in response.content.decode()
    assert not Customer.objects.exists()


def test_bad_values_name_their_fields(org, login):
    response = login("manager1").post(
        CREATE, customer_data(owner=org["manager1"].pk, email="not-an-email", satisfaction="9")
    )
    errors = response.context["form"].errors
    assert set(errors) == {"email", "satisfaction"}
    assert not Customer.objects.exists()


def test_a_manager_cannot_give_a_customer_to_someone_else(org, login):
    response = login("manager1").post(CREATE, customer_data(owner=org["manager2"].pk))
    assert response.context["form"].errors["owner"]
    assert not Customer.objects.exists()


def test_a_manager_cannot_put_a_customer_in_the_pool(org, login):
    response = login("manager1").post(CREATE, customer_data())
    assert response.context["form"].errors["owner"]
    assert not Customer.objects.exists()


def test_an_assistant_enters_a_customer_on_behalf_of_a_supported_manager(org, login, english):
    client = login("assistant")
    form = client.get(CREATE).context["form"]
    assert list(form.fields["owner"].queryset) == [org["manager1"]]
    response = client.post(CREATE, customer_data(owner=org["manager1"].pk))
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert customer.owner == org["manager1"]
    assert customer.created_by == org["assistant"]
    assert customer.on_behalf_of == org["manager1"]
    content = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    entered = re.search(r'data-testid="entered-by">(.*?)</dd>', content, re.DOTALL).group(1)
    assert "entered by 周敏 on behalf of 张伟" in " ".join(entered.split())


def test_an_assistant_cannot_enter_for_an_unsupported_manager(org, login):
    for owner in ("manager2", "assistant"):
        response = login("assistant").post(CREATE, customer_data(owner=org[owner].pk))
        assert response.context["form"].errors["owner"]
    assert not Customer.objects.exists()


def test_executives_are_read_only(customers, login):
    client = login("exec")
    customer = customers["manager1"]
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, customer_data()).status_code == 403
    edit = reverse("customers:edit", args=[customer.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, customer_data(version=customer.version)).status_code == 403
    delete = reverse("customers:delete", args=[customer.pk])
    assert client.post(delete, {"version": customer.version}).status_code == 403
    contact = reverse("customers:contact_create", args=[customer.pk])
    assert client.post(contact, {"name": "赵六"}).status_code == 403
    customer.refresh_from_db()
    assert customer.version == 1 and not customer.is_deleted
    assert not Customer.objects.filter(name="上海新客户有限公司").exists()
    assert customer.contacts.count() == 1


# --- edit -----------------------------------------------------------------------------------


def _edit_data(customer, **overrides) -> dict:
    data = customer_data(
        name=customer.name,
        owner=customer.owner_id,
        version=customer.version,
        phone=customer.phone,
        email=customer.email,
    )
    data.update(overrides)
    return data


def test_the_edit_form_is_filled_and_carries_the_version(customers, login):
    customer = customers["manager1"]
    response = login("manager1").get(reverse("customers:edit", args=[customer.pk]))
    content = response.content.decode()
    assert f'value="{customer.name}"' in content
    assert re.search(rf'type="hidden" name="version" value="{customer.version}"', content)


def test_a_manager_edits_an_own_customer(customers, login):
    customer = customers["manager1"]
    response = login("manager1").post(
        reverse("customers:edit", args=[customer.pk]),
        _edit_data(customer, name="新名字有限公司", region=dictionary("region", "south").pk),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "新名字有限公司"
    assert customer.region.code == "south"
    assert customer.version == 2


def test_an_assistant_edits_the_supported_managers_customer(customers, login):
    customer = customers["manager1"]
    response = login("assistant").post(
        reverse("customers:edit", args=[customer.pk]), _edit_data(customer, name="内勤改的")
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "内勤改的"
    assert customer.updated_by.username == "assistant"


def test_a_stale_form_is_a_conflict_and_overwrites_nothing(customers, login, english, org):
    customer = customers["manager1"]
    client = login("manager1")
    stale = _edit_data(customer, name="我的修改")
    # Someone else saves after the form was opened.
    services.customer_update(
        actor=org["supervisor"], customer=Customer.objects.get(pk=customer.pk), name="主管的修改"
    )
    response = client.post(reverse("customers:edit", args=[customer.pk]), stale)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Someone else changed this customer" in content
    assert "Reload" in content
    customer.refresh_from_db()
    assert customer.name == "主管的修改"
    assert customer.version == 2


@pytest.mark.parametrize("username", ["manager1", "assistant"])
def test_editing_outside_the_scope_is_404(customers, login, username):
    customer = customers["manager2"]
    url = reverse("customers:edit", args=[customer.pk])
    client = login(username)
    assert client.get(url).status_code == 404
    assert client.post(url, _edit_data(customer, name="越权")).status_code == 404
    customer.refresh_from_db()
    assert customer.name != "越权"


def test_a_supervisor_reassigns_within_the_team(customers, login, org):
    customer = customers["manager1"]
    response = login("supervisor").post(
        reverse("customers:edit", args=[customer.pk]),
        _edit_data(customer, owner=org["manager2"].pk),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.owner == org["manager2"]


# --- delete ---------------------------------------------------------------------------------


def test_delete_asks_first_then_moves_to_the_recycle_bin(customers, login):
    customer = customers["manager1"]
    client = login("manager1")
    url = reverse("customers:delete", args=[customer.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert 'data-testid="customer-delete-form"' in confirm.content.decode()
    assert Customer.objects.filter(pk=customer.pk).exists()

    response = client.post(url, {"version": customer.version})
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert customer.pk not in row_pks(client.get(LIST))
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 404
    assert Customer.all_objects.get(pk=customer.pk).deleted_by.username == "manager1"


def test_a_stale_delete_is_a_conflict(customers, login, org):
    customer = customers["manager1"]
    services.customer_update(actor=org["manager1"], customer=customer, name="又改了")
    response = login("manager1").post(
        reverse("customers:delete", args=[customer.pk]), {"version": 1}
    )
    assert response.status_code == 409
    assert not Customer.all_objects.get(pk=customer.pk).is_deleted


def test_assistants_cannot_delete(customers, login):
    customer = customers["manager1"]
    response = login("assistant").post(
        reverse("customers:delete", args=[customer.pk]), {"version": customer.version}
    )
    assert response.status_code == 403
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_deleting_outside_the_scope_is_404(customers, login):
    customer = customers["manager2"]
    response = login("manager1").post(
        reverse("customers:delete", args=[customer.pk]), {"version": customer.version}
    )
    assert response.status_code == 404
    assert Customer.objects.filter(pk=customer.pk).exists()


# --- contacts -------------------------------------------------------------------------------


def test_a_new_primary_contact_replaces_the_old_one(customers, login):
    customer = customers["manager1"]
    old = customer.contacts.get(is_primary=True)
    client = login("manager1")
    url = reverse("customers:contact_create", args=[customer.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "王五", "title": "采购经理", "is_primary": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    new = Contact.objects.get(name="王五")
    old.refresh_from_db()
    assert new.is_primary and not old.is_primary
    assert new.created_by.username == "manager1"
    content = client.get(response["Location"]).content.decode()
    marked = re.search(r'data-primary="true">\s*<td[^>]*>([^<]*)', content).group(1)
    assert marked.strip() == "王五"


def test_a_secondary_contact_leaves_the_primary_alone(customers, login):
    customer = customers["manager1"]
    old = customer.contacts.get(is_primary=True)
    login("assistant").post(
        reverse("customers:contact_create", args=[customer.pk]), {"name": "赵六"}
    )
    old.refresh_from_db()
    assert old.is_primary
    assert not Contact.objects.get(name="赵六").is_primary


def test_contact_errors_name_the_field(customers, login):
    customer = customers["manager1"]
    response = login("manager1").post(
        reverse("customers:contact_create", args=[customer.pk]), {"name": "", "email": "bad"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "email"}
    assert customer.contacts.count() == 1


def test_adding_a_contact_outside_the_scope_is_404(customers, login):
    customer = customers["manager2"]
    response = login("manager1").post(
        reverse("customers:contact_create", args=[customer.pk]), {"name": "越权"}
    )
    assert response.status_code == 404
    assert not Contact.objects.filter(name="越权").exists()


def test_htmx_form_errors_swap_only_the_form(login, org):
    response = login("manager1").post(
        "/customers/new/",
        {"name": "", "kind": "company", "owner": org["manager1"].pk},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'data-testid="customer-form"' in html
    assert response.context["form"].errors["name"]


def test_htmx_save_sends_the_browser_to_the_customer(login, org):
    response = login("manager1").post(
        "/customers/new/",
        {
            "name": "华为技术",
            "kind": "company",
            "owner": org["manager1"].pk,
            "satisfaction": 3,
            "credit": 3,
            "status": "active",
            "credit_status": "normal",
        },
        HTTP_HX_REQUEST="true",
    )
    customer = Customer.objects.get(name="华为技术")
    assert response["HX-Redirect"] == f"/customers/{customer.pk}/"


def test_htmx_conflict_swaps_the_form_with_the_message(customers, login, org):
    customer = customers["manager1"]
    stale = _edit_data(customer, name="过期的修改")
    services.customer_update(
        actor=org["supervisor"], customer=Customer.objects.get(pk=customer.pk), name="主管的修改"
    )
    response = login("manager1").post(
        reverse("customers:edit", args=[customer.pk]), stale, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="customer-form"' in html
    customer.refresh_from_db()
    assert customer.name == "主管的修改"


# --- registration fields, tags ------------------------------------------------------


def test_the_form_saves_every_spec_field_and_the_detail_page_shows_them(org, login):
    client = login("manager1")
    response = client.post(
        CREATE,
        customer_data(
            owner=org["manager1"].pk,
            postcode="200120",
            fax="021-55550001",
            business_licence_no="91310000ma1fl0abc0",
            legal_representative="王法人",
            registered_capital="5000000.00",
            annual_revenue="12345678.90",
            bank="招商银行上海分行",
            bank_account="6225 8800 1234 5675",
            tax_id="９１３１００００MA1FL0ABC0",  # full width is folded
            tags="VIP, 华东，vip",
        ),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    customer = Customer.objects.get(name="上海新客户有限公司")
    assert customer.tax_id == "91310000MA1FL0ABC0"
    assert customer.business_licence_no == "91310000MA1FL0ABC0"
    assert str(customer.registered_capital) == "5000000.00"
    assert customer.tag_list == ["vip", "华东"]
    content = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    for text in (
        "200120",
        "021 5555 0001",
        "王法人",
        "¥5,000,000.00",
        "¥12,345,678.90",
        "招商银行上海分行",
    ):
        assert text in content
    assert re.findall(r'data-testid="tag">([^<]+)<', content) == ["vip", "华东"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tax_id", "12-34", "Tax id: “12-34” is not a valid tax id."),
        ("phone", "call me", "Phone: “call me” is not a valid phone number."),
        ("phone", "1234", "Phone: “1234” is not a valid phone number."),
        ("postcode", "2001", "Enter a postcode of 6 digits."),
        ("registered_capital", "-1", "greater than or equal to 0"),
        ("annual_revenue", "1.234", "no more than 2 decimal places"),
        ("bank_account", "abc", "is not a valid bank account number"),
    ],
)
def test_bad_field_values_are_named_and_nothing_is_saved(
    org, login, english, field, value, message
):
    response = login("manager1").post(
        CREATE, customer_data(owner=org["manager1"].pk, **{field: value})
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content.replace("&#x27;", "'")
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', content) or re.search(
        rf'aria-invalid="true"[^>]*name="{field}"', content
    )
    assert not Customer.objects.filter(name="上海新客户有限公司").exists()


def test_the_tax_id_error_is_translated(org, login):
    speak(org["manager1"], "zh-hans")
    response = login("manager1").post(
        CREATE, customer_data(owner=org["manager1"].pk, tax_id="12-34")
    )
    assert response.status_code == 200
    assert 'name="tax_id"' in response.content.decode()


def test_editing_shows_and_keeps_the_tags(org, login):
    customer = CustomerFactory(owner=org["manager1"], tags=",vip,华东,")
    client = login("manager1")
    url = reverse("customers:edit", args=[customer.pk])
    assert 'value="vip, 华东"' in client.get(url).content.decode()
    response = client.post(url, _edit_data(customer, tags="vip, 华东, 展会"))
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.tag_list == ["vip", "华东", "展会"]


def test_the_list_filters_by_tag(org, login):
    tagged = CustomerFactory(owner=org["manager1"], tags=",vip,华东,")
    near_miss = CustomerFactory(owner=org["manager1"], tags=",vipp,")
    untagged = CustomerFactory(owner=org["manager1"])
    response = login("manager1").get(LIST, {"tag": "VIP"})
    pks = row_pks(response)
    assert tagged.pk in pks
    assert near_miss.pk not in pks and untagged.pk not in pks
    row = re.search(rf'data-pk="{tagged.pk}".*?</tr>', response.content.decode(), re.DOTALL)
    assert re.findall(r'data-testid="tag">([^<]+)<', row.group(0)) == ["vip", "华东"]
