"""The unread-notification count for the page header."""

from django.utils.functional import SimpleLazyObject

from guanxi.collaboration.selectors.notifications import notification_unread_count


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: one COUNT only when a template shows it (full pages), none for htmx partials.
    return {"unread_notifications": SimpleLazyObject(lambda: notification_unread_count(actor=user))}
