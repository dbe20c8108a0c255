"""Issue #3's journey in a real browser: a customer's life from creation to a handled churn warning.

Create a customer with a contact, log an interaction with an attachment, upload a document,
find the customer by pinyin, merge a duplicate into it, then postpone and confirm a churn warning.
"""

from datetime import timedelta

from django.utils import timezone

from guanxi.core.models import DictionaryEntry
from guanxi.customers.models import Contact, Customer, CustomerEvent, Document, Interaction
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory


def _submit(page, form_testid: str):
    with page.expect_navigation():
        page.click(f"[data-testid={form_testid}] button[type=submit].btn-primary")


def test_a_customer_from_creation_to_a_handled_churn_warning(sign_in, org, tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }
    page = sign_in("manager1")

    # Create the customer and its primary contact.
    page.goto("/customers/new/")
    page.fill("#id_name", "张伟贸易有限公司")
    page.fill("#id_phone", "010-62345678")
    page.click("button[type=submit].btn-primary")
    page.wait_for_selector("[data-testid=customer-profile]")
    customer = Customer.objects.get(name="张伟贸易有限公司")
    assert customer.owner == org["manager1"]
    page.click("[data-testid=contact-create]")
    page.fill("#id_name", "张伟")
    page.fill("#id_mobile", "13812348000")
    page.check("#id_is_primary")
    with page.expect_navigation():
        page.click("button[type=submit].btn-primary")
    assert "张伟" in page.locator("[data-testid=contact-row]").first.inner_text()

    # Log a visit with an attachment; it shows on the interaction page and the timeline.
    page.goto(f"/customers/{customer.pk}/")
    page.click("[data-testid=interaction-create]")
    page.fill("#id_summary", "首次拜访，了解采购需求")
    page.fill("#id_place", "北京海淀")
    page.set_input_files(
        "input[name=attachments]",
        files=[
            {"name": "拜访纪要.txt", "mimeType": "text/plain", "buffer": "需求：年采购".encode()}
        ],
    )
    _submit(page, "interaction-form")
    assert "拜访纪要.txt" in page.content()
    interaction = Interaction.objects.get(customer=customer)
    assert interaction.attachments.count() == 1

    # Upload a document; its download is an attachment, never rendered.
    page.goto(f"/customers/{customer.pk}/")
    page.click("[data-testid=document-create]")
    page.set_input_files(
        "input[name=file]",
        files=[
            {"name": "报价单.csv", "mimeType": "text/csv", "buffer": "产品,单价\nA,100\n".encode()}
        ],
    )
    page.fill("#id_title", "报价单")
    _submit(page, "document-form")
    document = Document.objects.get(customer=customer, interaction__isnull=True)
    with page.expect_download() as download:
        page.click(f"a[href$='/documents/versions/{document.versions.get().pk}/download/']")
    assert download.value.suggested_filename == "报价单.csv"

    page.goto(f"/customers/{customer.pk}/")
    timeline = page.locator("[data-testid=customer-timeline]").inner_text()
    assert "首次拜访" in timeline and "报价单" in timeline

    # Find it by the pinyin of its name.
    page.goto("/customers/")
    page.fill("[data-testid=customer-search]", "zhangwei")
    page.wait_for_url("**q=zhangwei*")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=customer-row]').length === 1"
    )
    assert "张伟贸易有限公司" in page.locator("[data-testid=customer-table]").inner_text()

    # Merge a duplicate (same phone, other name) into it: its contact moves over.
    duplicate = CustomerFactory(owner=org["manager1"], name="张伟贸易", phone="01062345678")
    ContactFactory(customer=duplicate, name="李娜", is_primary=True)
    page.goto(f"/customers/{customer.pk}/")
    page.click("[data-testid=customer-merge]")
    page.click(
        f"[data-testid=merge-candidate][data-pk='{duplicate.pk}'] [data-testid=merge-choose]"
    )
    with page.expect_navigation():
        page.click("[data-testid=merge-submit]")
    page.wait_for_selector("[data-testid=customer-profile]")
    assert "李娜" in page.locator("[data-testid=customer-contacts]").inner_text()
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    assert Contact.objects.filter(customer=customer).count() == 2
    assert CustomerEvent.objects.filter(customer=customer, kind="merged").exists()

    # No order and no contact for eight months: the daily job warns; the owner postpones, then
    # confirms. (An interaction inside the churn window would keep the customer off the list.)
    from guanxi.customers.services.churn import churn_scan

    eight_months_ago = timezone.now() - timedelta(days=240)
    Customer.objects.filter(pk=customer.pk).update(created_at=eight_months_ago)
    Interaction.objects.filter(customer=customer).update(occurred_at=eight_months_ago)
    assert churn_scan() == 1
    page.goto(f"/customers/{customer.pk}/")
    assert page.locator("[data-testid=churn-open-case]").get_attribute("data-state") == "warning"
    page.click("[data-testid=churn-postpone]")
    page.fill("#id_measures", "总经理亲自回访，提供九折优惠")
    _submit(page, "churn-postpone-form")
    page.wait_for_selector("[data-testid=churn-measures]")
    assert "九折优惠" in page.locator("[data-testid=churn-measures]").inner_text()
    page.click("[data-testid=churn-confirm]")
    reason = DictionaryEntry.objects.filter(kind="churn_reason").first()
    page.select_option("#id_reason", str(reason.pk))
    page.fill("#id_details", "客户被竞争对手收购")
    with page.expect_navigation():
        page.click("[data-testid=churn-confirm-form] button[type=submit]")
    customer.refresh_from_db()
    assert customer.status == Customer.Status.CHURNED
    assert "九折优惠" in page.locator("[data-testid=churn-history]").inner_text() or (
        "客户被竞争对手收购" in page.content()
    )
