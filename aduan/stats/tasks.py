"""Evaluation reports over long periods are built by the worker, not in the request."""

import logging

from django.core.files.base import ContentFile
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


@db_periodic_task(crontab(hour="1", minute="30"))
@lock_task("aduan-open-data")
def export_open_data_nightly() -> int:
    from . import opendata

    return opendata.export()
