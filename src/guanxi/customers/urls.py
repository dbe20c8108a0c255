from django.urls import path

from guanxi.core.views.imports import import_urlpatterns
from guanxi.customers.views import activity as views_activity
from guanxi.customers.views import bulk as views_bulk
from guanxi.customers.views import churn as views_churn
from guanxi.customers.views import contacts as views_contacts
from guanxi.customers.views import credit as views_credit
from guanxi.customers.views import customers as views
from guanxi.customers.views import field_rules as views_field_rules
from guanxi.customers.views import merge as views_merge
from guanxi.customers.views import pool as views_pool
from guanxi.customers.views import privacy as views_privacy
from guanxi.customers.views import timeline as views_timeline
from guanxi.customers.views import vcard as views_vcard

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("contacts/", views_contacts.contact_list, name="contact_list"),
    path("new/", views.customer_create, name="create"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/inline/level/", views.customer_inline_level, name="inline_level"),
    path("<int:pk>/delete/", views.customer_delete, name="delete"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
]


# The list's bulk actions and downloads.
urlpatterns += [
    path("export/", views_bulk.customer_export, name="export"),
    path("completeness/", views.customer_completeness, name="completeness"),
    path("bulk/reassign/", views_bulk.customer_bulk_reassign, name="bulk_reassign"),
    path("bulk/tag/", views_bulk.customer_bulk_tag, name="bulk_tag"),
]


# Contacts as vCards 电子名片.
urlpatterns += [
    path("<int:pk>/contacts.vcf", views_vcard.contacts_vcard_export, name="contacts_vcard_export"),
    path(
        "<int:pk>/contacts/import/", views_vcard.contacts_vcard_import, name="contacts_vcard_import"
    ),
]


# Interactions 交往记录 and documents 文档.
urlpatterns += [
    path("interactions/", views_activity.interaction_list, name="interaction_list"),
    path(
        "<int:pk>/interactions/new/",
        views_activity.interaction_create,
        name="interaction_create",
    ),
    path("interactions/<int:pk>/", views_activity.interaction_detail, name="interaction_detail"),
    path("interactions/<int:pk>/edit/", views_activity.interaction_edit, name="interaction_edit"),
    path(
        "interactions/<int:pk>/delete/",
        views_activity.interaction_delete,
        name="interaction_delete",
    ),
    path("<int:pk>/documents/", views_activity.document_list, name="document_list"),
    path("<int:pk>/documents/new/", views_activity.document_create_view, name="document_create"),
    path("documents/<int:pk>/", views_activity.document_detail, name="document_detail"),
    path(
        "documents/<int:pk>/versions/new/",
        views_activity.document_version_create,
        name="document_version_create",
    ),
    path("documents/<int:pk>/delete/", views_activity.document_delete_view, name="document_delete"),
    path(
        "documents/versions/<int:pk>/download/",
        views_activity.document_download,
        name="document_download",
    ),
]


# The 360 page's timeline and comments.
urlpatterns += [
    path("<int:pk>/timeline/", views_timeline.customer_timeline_part, name="timeline"),
    path("<int:pk>/history/", views_timeline.customer_history, name="history"),
    path("<int:pk>/related/<slug:tab>/", views_timeline.customer_related, name="related"),
    path("<int:pk>/comments/", views_timeline.customer_comment_create, name="comment_create"),
    path(
        "<int:pk>/comments/<int:comment_pk>/delete/",
        views_timeline.customer_comment_delete,
        name="comment_delete",
    ),
]


# Customer import 客户导入 (the import framework's shared pages).
urlpatterns += import_urlpatterns("customers", "import/")


# Field protection 字段保护.
urlpatterns += [
    path("field-rules/", views_field_rules.field_rule_list, name="field_rule_list"),
    path("field-rules/new/", views_field_rules.field_rule_create_view, name="field_rule_create"),
    path("field-rules/<int:pk>/edit/", views_field_rules.field_rule_edit, name="field_rule_edit"),
    path(
        "field-rules/<int:pk>/delete/",
        views_field_rules.field_rule_delete_view,
        name="field_rule_delete",
    ),
]


# Churn handling; merging.
urlpatterns += [
    path("churn/", views_churn.churn_list, name="churn_list"),
    path("<int:pk>/churn/postpone/", views_churn.churn_postpone, name="churn_postpone"),
    path("<int:pk>/churn/confirm/", views_churn.churn_confirm, name="churn_confirm"),
    path("<int:pk>/merge/", views_merge.customer_merge, name="merge"),
]


# Credit control 信用冻结.
urlpatterns += [
    path("<int:pk>/credit-hold/", views_credit.credit_hold, name="credit_hold"),
]


# The customer pool 公海.
urlpatterns += [
    path("pool/", views_pool.pool_list, name="pool"),
    path("<int:pk>/claim/", views_pool.customer_claim, name="claim"),
    path("<int:pk>/assign/", views_pool.customer_assign, name="assign"),
    path("<int:pk>/release/", views_pool.customer_release, name="release"),
    path("pool/settings/", views_pool.pool_settings, name="pool_settings"),
    path("pool/settings/policies/new/", views_pool.pool_policy_edit, name="pool_policy_create"),
    path("pool/settings/policies/<int:pk>/", views_pool.pool_policy_edit, name="pool_policy_edit"),
    path(
        "pool/settings/policies/<int:pk>/delete/",
        views_pool.pool_policy_delete,
        name="pool_policy_delete",
    ),
    path("pool/settings/caps/new/", views_pool.ownership_cap_edit, name="pool_cap_create"),
    path("pool/settings/caps/<int:pk>/", views_pool.ownership_cap_edit, name="pool_cap_edit"),
    path(
        "pool/settings/caps/<int:pk>/delete/",
        views_pool.ownership_cap_delete,
        name="pool_cap_delete",
    ),
]


# A person's data (PIPL/GDPR): subject-access export, anonymisation.
urlpatterns += [
    path("<int:pk>/personal-data/", views_privacy.customer_personal_data, name="personal_data"),
    path("<int:pk>/anonymise/", views_privacy.customer_anonymise, name="anonymise"),
    path(
        "contacts/<int:pk>/personal-data/",
        views_privacy.contact_personal_data,
        name="contact_personal_data",
    ),
    path("contacts/<int:pk>/anonymise/", views_privacy.contact_anonymise, name="contact_anonymise"),
]

# Contact and interaction imports 联系人/交往记录导入 (the import framework's shared pages).
urlpatterns += [
    *import_urlpatterns("contacts", "contacts/import/"),
    *import_urlpatterns("interactions", "interactions/import/"),
]
