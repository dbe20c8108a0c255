"""The customer pool pages: list, claim / assign / release, the customer page, the settings."""

import pytest
from django.contrib.auth.models import Group
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from guanxi.accounts import roles
from guanxi.accounts.models import User
from guanxi.core.models import DictionaryKind
from guanxi.customers.models import Customer, CustomerEvent, OwnershipCap, PoolPolicy
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import CustomerFactory

POOL = reverse("customers:pool")
SETTINGS = reverse("customers:pool_settings")


pytestmark = pytest.mark.usefixtures("english")


def claim_url(customer) -> str:
    return reverse("customers:claim", args=[customer.pk])


def assign_url(customer) -> str:
    return reverse("customers:assign", args=[customer.pk])


def release_url(customer) -> str:
    return reverse("customers:release", args=[customer.pk])


def owner_of(customer):
    return Customer.objects.get(pk=customer.pk).owner


# -- the pool list ---------------------------------------------------------------------------


def test_every_rep_sees_the_whole_pool_and_only_the_pool(customers, login):
    other_team_pool = CustomerFactory(owner=None, name="北方钢铁")
    response = login("manager3").get(POOL)
    assert response.status_code == 200
    rows = {row.pk for row in response.context["page"]}
    assert rows == {customers["pool"].pk, other_team_pool.pk}
    assert b'data-testid="pool-claim"' in response.content
    assert b'data-testid="pool-assign"' not in response.content  # reps do not assign


def test_the_pool_is_filtered_by_level_region_industry_and_search(customers, login):
    major = dictionary(DictionaryKind.CUSTOMER_LEVEL, "major")
    east = dictionary(DictionaryKind.REGION, "east")
    wanted = CustomerFactory(owner=None, name="华东大客户公司", level=major, region=east)
    CustomerFactory(owner=None, name="华东普通公司", region=east)
    client = login("manager1")
    page = client.get(POOL, {"level": "major", "region": "east"}).context["page"]
    assert [row.pk for row in page] == [wanted.pk]
    page = client.get(POOL, {"q": "大客户"}).context["page"]
    assert [row.pk for row in page] == [wanted.pk]
    # An unknown filter value is ignored rather than trusted.
    assert client.get(POOL, {"level": "nonsense"}).status_code == 200


def test_htmx_filtering_answers_the_table_only(customers, login):
    response = login("manager1").get(POOL, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "customers/partials/_pool_table.html"


def test_the_pool_list_pages_with_a_cursor(org, login, settings):
    settings.GUANXI = {**settings.GUANXI, "PAGE_SIZE": 2}
    for _ in range(5):
        CustomerFactory(owner=None)
    client = login("manager1")
    first = client.get(POOL).context["page"]
    second = client.get(POOL, {"cursor": first.next_cursor}).context["page"]
    assert not {c.pk for c in first} & {c.pk for c in second}


def test_supervisors_get_the_assign_picker_offering_their_team(customers, login, org):
    client = login("supervisor")
    response = client.get(POOL)
    html = response.content.decode()
    assert 'data-testid="pool-assign"' in html
    # An autocomplete picker, no plain select listing every user.
    assert 'data-picker="user"' in html and '<select name="owner"' not in html
    offered = {
        option["id"]
        for name in ("manager1", "manager2")
        for option in client.get("/pick/user/", {"q": str(org[name])}).json()["results"]
    }
    assert {org["manager1"].pk, org["manager2"].pk} <= offered


def test_the_pool_list_needs_a_constant_number_of_queries(
    org, login, django_assert_max_num_queries
):
    major = dictionary(DictionaryKind.CUSTOMER_LEVEL, "major")
    for _ in range(3):
        CustomerFactory(owner=None, level=major)
    client = login("supervisor")
    with django_assert_max_num_queries(12) as few:
        assert client.get(POOL).status_code == 200
    for _ in range(20):
        CustomerFactory(owner=None, level=major)
    with django_assert_max_num_queries(12) as many:
        assert client.get(POOL).status_code == 200
    assert len(many) == len(few)


def test_the_pool_needs_the_view_right_and_a_sign_in(org, client):
    assert client.get(POOL).status_code == 302
    user = User.objects.create_user("nobody", password="pw")
    client.force_login(user)
    assert client.get(POOL).status_code == 403


def test_the_pool_is_in_the_navigation(login):
    response = login("manager1").get(POOL)
    assert b'data-nav="pool" aria-current="page"' in response.content


# -- claim and assign ------------------------------------------------------------------------


def test_claim_with_htmx_replaces_the_row(customers, login, org):
    pooled = customers["pool"]
    response = login("manager1").post(claim_url(pooled), {"next": POOL}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.templates[0].name == "customers/partials/_pool_row.html"
    assert "You now own" in response.content.decode()
    assert owner_of(pooled) == org["manager1"]


def test_a_claim_someone_was_quicker_for_answers_409_in_the_row(customers, login, org):
    pooled = customers["pool"]
    login("manager2").post(claim_url(pooled))
    response = login("manager1").post(claim_url(pooled), HTTP_HX_REQUEST="true")
    # manager1 can no longer read manager2's customer at all.
    assert response.status_code == 404
    response = login("supervisor").post(claim_url(pooled), HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "no longer in the pool" in response.content.decode()
    assert owner_of(pooled) == org["manager2"]


def test_a_claim_over_the_cap_answers_422_and_changes_nothing(customers, login):
    OwnershipCap.objects.create(role=Group.objects.get(name=roles.ACCOUNT_MANAGER), max_owned=1)
    response = login("manager1").post(claim_url(customers["pool"]), HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "already owns 1 customer," in response.content.decode()
    assert owner_of(customers["pool"]) is None


def test_claim_without_htmx_goes_to_the_customer(customers, login):
    pooled = customers["pool"]
    response = login("manager1").post(claim_url(pooled))
    assert response.status_code == 302
    assert response["Location"] == pooled.get_absolute_url()


def test_claim_goes_back_only_to_our_own_pages(customers, login):
    response = login("manager1").post(
        claim_url(customers["pool"]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == customers["pool"].get_absolute_url()


@pytest.mark.parametrize("username", ["exec", "assistant"])
def test_claim_without_the_right_is_403(customers, login, username):
    assert login(username).post(claim_url(customers["pool"])).status_code == 403
    assert owner_of(customers["pool"]) is None


def test_claim_is_post_only(customers, login):
    assert login("manager1").get(claim_url(customers["pool"])).status_code == 405


def test_a_supervisor_assigns_from_the_list(customers, login, org):
    response = login("supervisor").post(
        assign_url(customers["pool"]), {"owner": org["manager2"].pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert owner_of(customers["pool"]) == org["manager2"]
    assert "Now owned by" in response.content.decode()


def test_assign_outside_the_team_or_without_owner_is_refused(customers, login, org):
    client = login("supervisor")
    response = client.post(
        assign_url(customers["pool"]), {"owner": org["manager3"].pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    response = client.post(assign_url(customers["pool"]), {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert owner_of(customers["pool"]) is None


def test_reps_cannot_assign(customers, login, org):
    response = login("manager1").post(assign_url(customers["pool"]), {"owner": org["manager1"].pk})
    assert response.status_code == 403


# -- release ---------------------------------------------------------------------------------


def test_the_owner_releases_with_a_reason(customers, login):
    customer = customers["manager1"]
    client = login("manager1")
    assert client.get(release_url(customer)).status_code == 200
    response = client.post(release_url(customer), {"reason": "客户已转行"})
    assert response.status_code == 302
    assert owner_of(customer) is None
    event = CustomerEvent.objects.get(customer=customer)
    assert event.text == "客户已转行"
    # Released, it stays readable for the former owner, as any pool customer.
    assert client.get(customer.get_absolute_url()).status_code == 200


def test_release_without_a_reason_shows_the_error(customers, login):
    response = login("manager1").post(
        release_url(customers["manager1"]), {"reason": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert owner_of(customers["manager1"]) is not None


def test_release_by_others_is_403_or_404(customers, login):
    assert login("manager2").get(release_url(customers["manager1"])).status_code == 404
    assert login("assistant").get(release_url(customers["manager1"])).status_code == 403
    assert login("supervisor").get(release_url(customers["manager1"])).status_code == 200


# -- the customer page -----------------------------------------------------------------------


def test_a_pool_customer_page_is_read_only_for_reps(customers, login):
    response = login("manager3").get(customers["pool"].get_absolute_url())
    assert response.status_code == 200
    assert response.context["read_only"] is True
    assert b'data-testid="customer-edit"' not in response.content
    assert (
        login("manager3").get(reverse("customers:edit", args=[customers["pool"].pk])).status_code
        == 404
    )


def test_others_customers_stay_out_of_reach(customers, login):
    assert login("manager3").get(customers["manager1"].get_absolute_url()).status_code == 404


def render_actions(user, customer) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load pool %}{% pool_actions customer %}")
    return template.render(Context({"request": request, "customer": customer}))


def test_the_pool_actions_tag_shows_what_the_viewer_may_do(customers, org):
    pooled, owned = customers["pool"], customers["manager1"]
    rep = render_actions(org["manager1"], pooled)
    assert 'data-testid="pool-claim"' in rep and 'data-testid="pool-assign"' not in rep
    boss = render_actions(org["supervisor"], pooled)
    assert 'data-testid="pool-assign"' in boss
    assert 'data-testid="pool-release"' in render_actions(org["manager1"], owned)
    assert 'data-testid="pool-release"' in render_actions(org["supervisor"], owned)
    assert render_actions(org["exec"], pooled).strip() == ""
    assert render_actions(org["assistant"], owned).strip() == ""


# -- settings --------------------------------------------------------------------------------


def test_only_administrators_open_the_settings(login):
    assert login("admin").get(SETTINGS).status_code == 200
    for username in ("manager1", "supervisor", "exec"):
        assert login(username).get(SETTINGS).status_code == 403


def test_an_administrator_adds_edits_and_deletes_a_policy(login, org):
    client = login("admin")
    response = client.post(
        reverse("customers:pool_policy_create"),
        {"level": "", "follow_up_days": "30", "won_days": "", "notice_days": "3", "max_owned": ""},
    )
    assert response.status_code == 302
    policy = PoolPolicy.objects.get()
    assert (policy.level, policy.follow_up_days, policy.won_days) == (None, 30, None)
    edit = reverse("customers:pool_policy_edit", args=[policy.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {"level": "", "follow_up_days": "45", "notice_days": "5", "version": policy.version},
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.follow_up_days, policy.notice_days) == (45, 5)
    # A stale version is a conflict, not an overwrite.
    response = client.post(
        edit, {"level": "", "follow_up_days": "9", "notice_days": "1", "version": 1}
    )
    assert response.status_code == 409
    client.post(reverse("customers:pool_policy_delete", args=[policy.pk]))
    assert not PoolPolicy.objects.exists()


def test_a_second_default_policy_is_refused_on_the_level_field(login):
    PoolPolicy.objects.create(level=None, follow_up_days=30)
    response = login("admin").post(
        reverse("customers:pool_policy_create"), {"level": "", "notice_days": "3"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["level"]


def test_an_administrator_sets_a_cap_per_role(login):
    client = login("admin")
    role = Group.objects.get(name=roles.ACCOUNT_MANAGER)
    response = client.post(
        reverse("customers:pool_cap_create"), {"role": role.pk, "max_owned": "50"}
    )
    assert response.status_code == 302
    cap = OwnershipCap.objects.get()
    assert (cap.role, cap.max_owned) == (role, 50)
    page = client.get(SETTINGS)
    assert "Account manager" in page.content.decode()
    response = client.post(
        reverse("customers:pool_cap_create"), {"role": role.pk, "max_owned": "5"}
    )
    assert response.context["form"].errors["role"]
    response = client.post(
        reverse("customers:pool_cap_edit", args=[cap.pk]), {"role": role.pk, "max_owned": "-1"}
    )
    assert response.context["form"].errors["max_owned"]
    client.post(reverse("customers:pool_cap_delete", args=[cap.pk]))
    assert not OwnershipCap.objects.exists()


def test_settings_writes_are_refused_to_non_administrators(login):
    role = Group.objects.get(name=roles.ACCOUNT_MANAGER)
    response = login("manager1").post(
        reverse("customers:pool_cap_create"), {"role": role.pk, "max_owned": "500"}
    )
    assert response.status_code == 403
    assert not OwnershipCap.objects.exists()
