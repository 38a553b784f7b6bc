"""Evaluation reports over long periods are built by the worker, not in the request."""

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from .filters import Period
from .models import EvaluationReport

log = logging.getLogger(__name__)


@db_task(retries=2, retry_delay=60)
def generate_evaluation(pk: int) -> None:
    from . import evaluation

    job = EvaluationReport.objects.get(pk=pk)
    try:
        content = evaluation.render(Period(job.period_start, job.period_end), job.format)
    except Exception as exc:  # recorded for the person who asked; the worker retries
        EvaluationReport.objects.filter(pk=pk).update(
            state=EvaluationReport.State.FAILED, error=str(exc)[:1000]
        )
        log.exception("evaluation report %s failed", pk)
        raise
    name = f"evaluasi-{job.period_start:%Y%m%d}-{job.period_end:%Y%m%d}.{job.format}"
    job.file.save(name, ContentFile(content), save=False)
    job.state = EvaluationReport.State.DONE
    job.error = ""
    job.save(update_fields=["file", "state", "error"])


# A long-period evaluation report whose queued task was lost (Redis restarted before a consumer
# took it, or could not be reached when it was asked for) is built by the sweep after this long.
STALE_PENDING = dt.timedelta(minutes=15)


@db_periodic_task(crontab(minute="*/15"))
@lock_task("aduan-evaluation-stale")
def generate_stale_evaluations() -> int:
    """The pending jobs older than STALE_PENDING, built here, a few per run. A job only slow to
    come up in a long queue may then be built twice; the second file replaces the first."""
    stale = EvaluationReport.objects.filter(
        state=EvaluationReport.State.PENDING, requested_at__lt=timezone.now() - STALE_PENDING
    ).values_list("pk", flat=True)[:5]
    done = 0
    for pk in stale:
        try:
            generate_evaluation.call_local(pk)
            done += 1
        except Exception:  # recorded on the job as failed (generate_evaluation)
            pass
    return done


@db_periodic_task(crontab(hour="1", minute="30"))
@lock_task("aduan-open-data")
def export_open_data_nightly() -> int:
    from . import opendata

    return opendata.export()
