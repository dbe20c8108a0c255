from django.urls import path

from guanxi.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/delete/", views.customer_delete, name="delete"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
]

from guanxi.customers import views_bulk  # noqa: E402  (the list's bulk actions and downloads)

urlpatterns += [
    path("export/", views_bulk.customer_export, name="export"),
    path("bulk/reassign/", views_bulk.customer_bulk_reassign, name="bulk_reassign"),
    path("bulk/tag/", views_bulk.customer_bulk_tag, name="bulk_tag"),
]

from guanxi.customers import views_vcard  # noqa: E402  (contacts as vCards 电子名片)

urlpatterns += [
    path("<int:pk>/contacts.vcf", views_vcard.contacts_vcard_export, name="contacts_vcard_export"),
    path(
        "<int:pk>/contacts/import/", views_vcard.contacts_vcard_import, name="contacts_vcard_import"
    ),
]
