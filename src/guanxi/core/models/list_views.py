"""Saved list views 列表视图: a name for a list's filters, sort and columns."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SavedListView(models.Model):
    """One user's named filters, sort and columns of one list, optionally shared with the team.

    ``query`` is the list's query string without its page cursor (``status=open&sort=name``);
    ``columns`` the optional columns shown, in order. A shared view is offered to everyone in
    the owner's team; only the owner changes or deletes it. No recycle bin or history: a view
    is a preference, not a business record.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (owner, list_key, name) constraint serves it
    )
    list_key = models.CharField(_("list"), max_length=50)
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters and sort"), max_length=2000, blank=True, default="")
    columns = models.JSONField(_("columns"), default=list, blank=True)
    shared_with_team = models.BooleanField(_("shared with the team"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects: "models.Manager[SavedListView]" = models.Manager()

    class Meta:
        verbose_name = _("saved list view")
        verbose_name_plural = _("saved list views")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "list_key", "name"], name="saved_list_view_unique_name"
            )
        ]
        indexes = [
            # The team's shared views of a list, found without reading anyone's private ones.
            models.Index(
                fields=["list_key"],
                condition=models.Q(shared_with_team=True),
                name="saved_list_view_shared",
            )
        ]

    def __str__(self) -> str:
        return self.name
