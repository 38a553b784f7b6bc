"""The in-app notification list: rows of the outbox with channel "in_app" (DESIGN §5)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from aduan.backoffice.access import workspace_reports
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
    """Mark one as read and go to its report: the back-office workspace for staff who may open
    it there, the citizen's page for everyone else."""
    item = _mine(request.user).filter(pk=pk).select_related("report").first()
    if item is None:
        return redirect("web:notifications")
    if item.read_at is None:
        _mine(request.user).filter(pk=pk).update(read_at=timezone.now())
    if not item.report_id:
        return redirect("web:notifications")
    if workspace_reports(request.user).filter(pk=item.report_id).exists():
        return redirect("backoffice:workspace", code=item.report.code)
    return redirect("web:report", code=item.report.code)


@login_required
def channels(request):
    """How the person hears about their reports (`outbox.channels_for`): a box per channel that
    can reach them now; a channel without an address (no verified phone, no phone subscribed to
    push) is shown, not offered. With Web Push configured, a part of the page (web/push.js)
    subscribes this browser or unsubscribes it."""
    from aduan.notifications import outbox, transports

    if request.method == "POST":
        outbox.set_channels(request.user, request.POST.getlist("channels"))
        messages.success(request, _("Pilihan notifikasi disimpan."))
        return redirect("web:notification_channels")
    chosen = set(outbox.channels_for(request.user))
    rows = []
    for channel in outbox.choosable_channels():
        transport = transports.get(channel)
        addresses = [] if transport.immediate else transport.addresses(request.user)
        if channel == Channel.PUSH:
            address = ngettext("%(n)s perangkat", "%(n)s perangkat", len(addresses)) % {
                "n": len(addresses)
            }
            hint = _("aktifkan di ponsel Anda dengan tombol di bawah")
        else:
            address = addresses[0] if addresses else ""
            hint = _("verifikasi nomor telepon Anda terlebih dahulu")
        usable = transport.immediate or bool(addresses)
        rows.append(
            {
                "value": channel,
                "label": Channel(channel).label,
                "checked": channel in chosen,
                "address": address if usable else "",
                "usable": usable,
                "hint": hint,
                "fixed": channel == Channel.IN_APP,
            }
        )
    push_offered = Channel.PUSH in outbox.choosable_channels()
    return render(
        request,
        "web/notification_channels.html",
        {
            "rows": rows,
            "push_offered": push_offered,
            "vapid_public_key": settings.VAPID_PUBLIC_KEY if push_offered else "",
        },
    )
