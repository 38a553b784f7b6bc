"""`/metrics` for Prometheus (DESIGN §6, issue 17): requests, the dispatcher's queue, overdue
reports, the outbox, the huey queue and the sweeps, behind METRICS_TOKEN (`ops.metrics`).

Four queries whatever the size of the archive: reports by status, the overdue count (the
dashboard's own `Report.objects.overdue()`, so both say the same), the outbox by channel and state
(with the oldest waiting row), failed attempts by channel; requests and sweeps come from the cache.
"""

import time

from django.db.models import Count, Min
from django.utils import timezone
from django.views.decorators.http import require_GET

from aduan.notifications.models import Channel, DeliveryAttempt, Notification
from aduan.ops import metrics
from aduan.reports.models import Report, Status

WAITING = (Notification.State.PENDING, Notification.State.SENDING)


def _huey_pending() -> int | None:
    from huey.contrib.djhuey import HUEY

    try:
        return HUEY.pending_count()
    except Exception:  # the queue's storage unreachable: the gauge is left out, the page answers
        return None


@require_GET
def metrics_view(request):
    refused = metrics.require_token(request)
    if refused is not None:
        return refused
    now = timezone.now()
    out = metrics.Exposition()

    counts = metrics.request_counts()
    out.family(
        "aduan_http_requests_total",
        "counter",
        "HTTP requests answered, by method and status class "
        "(all app servers when the cache is Redis).",
        [({"method": m, "status": s}, n) for (m, s), n in counts.items()],
    )

    by_status = dict(Report.objects.values_list("status").annotate(n=Count("id")).order_by())
    out.family(
        "aduan_reports",
        "gauge",
        "Reports by status.",
        [({"status": value}, by_status.get(value, 0)) for value in Status.values],
    )
    out.family(
        "aduan_dispatcher_queue_length",
        "gauge",
        "Reports waiting for the dispatcher (status submitted).",
        [({}, by_status.get(Status.SUBMITTED, 0))],
    )
    out.family(
        "aduan_reports_overdue",
        "gauge",
        "Open reports past the deadline of a step staff hold (as on the supervisors' dashboard).",
        [({}, Report.objects.overdue(now).count())],
    )

    outbox = {
        (row["channel"], row["state"]): row
        for row in Notification.objects.values("channel", "state")
        .annotate(n=Count("id"), oldest=Min("created_at"))
        .order_by()
    }

    def waiting(channel):
        rows = [outbox[(channel, s)] for s in WAITING if (channel, s) in outbox]
        oldest = min((r["oldest"] for r in rows), default=None)
        return sum(r["n"] for r in rows), (now - oldest).total_seconds() if oldest else 0.0

    channels = Channel.values
    out.family(
        "aduan_outbox_backlog",
        "gauge",
        "Notifications not yet delivered (pending or being sent), by channel.",
        [({"channel": c}, waiting(c)[0]) for c in channels],
    )
    out.family(
        "aduan_outbox_oldest_age_seconds",
        "gauge",
        "Age of the oldest undelivered notification, by channel (0 when none waits).",
        [({"channel": c}, round(waiting(c)[1], 3)) for c in channels],
    )
    out.family(
        "aduan_outbox_failed",
        "gauge",
        "Notifications given up after OUTBOX_MAX_ATTEMPTS attempts, by channel.",
        [
            ({"channel": c}, outbox.get((c, Notification.State.FAILED), {}).get("n", 0))
            for c in channels
        ],
    )
    failures = dict(
        DeliveryAttempt.objects.filter(ok=False)
        .values_list("notification__channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    out.family(
        "aduan_outbox_failed_attempts_total",
        "counter",
        "Delivery attempts that failed (each retry counts), by channel.",
        [({"channel": c}, failures.get(c, 0)) for c in channels],
    )

    pending = _huey_pending()
    if pending is not None:
        out.family(
            "aduan_huey_pending", "gauge", "Tasks waiting in the huey queue.", [({}, pending)]
        )

    runs = metrics.last_runs()
    out.family(
        "aduan_sweep_duration_seconds",
        "gauge",
        "How long the last run of each background sweep took.",
        [({"sweep": name}, round(run["seconds"], 6)) for name, run in runs.items()],
    )
    out.family(
        "aduan_sweep_last_run_timestamp_seconds",
        "gauge",
        "When the last run of each background sweep finished (Unix time).",
        [({"sweep": name}, round(run["finished_at"], 3)) for name, run in runs.items()],
    )
    out.family(
        "aduan_metrics_scrape_timestamp_seconds",
        "gauge",
        "When this page was computed (Unix time).",
        [({}, round(time.time(), 3))],
    )
    return out.response()
