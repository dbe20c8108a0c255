"""The customer 360 page in a real browser: comment in place, filter and load more with htmx."""

from tests.customers.fixtures.customers import CustomerFactory
from tests.customers.fixtures.timeline import ago, comment, interaction


def test_comment_filter_and_load_more_in_place(sign_in, org):
    customer = CustomerFactory(owner=org["manager1"], name="全景客户")
    for hour in range(33):
        interaction(customer, when=ago(hours=hour + 1), summary=f"拜访第{hour}次")
    comment(customer, when=ago(days=5), body="很早的评论", by=org["supervisor"])
    page = sign_in("manager1")
    page.goto(f"/customers/{customer.pk}/")
    entries = page.locator("[data-testid=timeline-entry]")
    assert entries.count() == 30

    # Load more appends the older entries without leaving the page.
    page.click("[data-testid=timeline-more] a")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=timeline-entry]').length == 34"
    )
    assert page.url.endswith(f"/customers/{customer.pk}/")
    assert page.locator("[data-testid=timeline-more]").count() == 0

    # The filter swaps the list in place.
    page.select_option("#timeline-kind", "comment")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=timeline-entry]').length == 1"
    )
    assert "很早的评论" in entries.first.inner_text()

    # A comment posts in place and leads the timeline; the form is empty again.
    page.fill("[data-testid=comment-form] textarea", "浏览器里写的评论")
    page.click("[data-testid=comment-submit]")
    page.wait_for_selector("text=浏览器里写的评论")
    assert "浏览器里写的评论" in entries.first.inner_text()
    assert page.locator("[data-testid=comment-form] textarea").input_value() == ""

    # The author deletes it again, in place.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-testid=comment-delete]").first.click()
    page.wait_for_selector("text=浏览器里写的评论", state="detached")
