from django.conf import settings

from aduan.notifications.models import Channel, Notification


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "STAFF_MFA_REQUIRED": settings.STAFF_MFA_REQUIRED}


def notifications(request):
    """Unread in-app notifications, for the header badge (one query, only when logged in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_count": Notification.objects.filter(
            recipient=user, channel=Channel.IN_APP, read_at__isnull=True
        ).count()
    }
