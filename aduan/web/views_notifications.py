"""The in-app notification list: rows of the outbox with channel "in_app" (DESIGN §5)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from aduan.notifications.models import Channel, Notification


def _mine(user):
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP)


@login_required
def notifications(request):
    items = _mine(request.user).select_related("report").order_by("-created_at", "-id")
    page = Paginator(items, 30).get_page(request.GET.get("halaman"))
    return render(request, "web/notifications.html", {"page": page})


@login_required
@require_POST
def mark_all_read(request):
    _mine(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("web:notifications")


@login_required
def open_notification(request, pk):
    """Mark one as read and go to its report."""
    item = _mine(request.user).filter(pk=pk).select_related("report").first()
    if item is None:
        return redirect("web:notifications")
    if item.read_at is None:
        _mine(request.user).filter(pk=pk).update(read_at=timezone.now())
    return (
        redirect("web:report", code=item.report.code)
        if item.report_id
        else redirect("web:notifications")
    )
