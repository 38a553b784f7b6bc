"""Training the routing model on the instance's own history and keeping the versions.

What the model learns from: reports whose agency accepted them (in progress, answered, closed —
the dispatcher's final, accepted choice, after any re-disposition or decline) and imported
history, including reports the previous system sent outside (archived as out of authority).
Called by the `train_triage` command and the nightly huey task (`tasks.retrain`).

The model's module (scikit-learn) is imported when a model is trained or loaded, not with this
module, which the web pages import (`similarity` says why).
"""

from __future__ import annotations

import logging
import pickle
import threading
import zlib
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max, Q

from aduan.reports.models import ArchiveReason, Report, Status

from .models import RoutingModel

if TYPE_CHECKING:
    from .model import Router

log = logging.getLogger(__name__)
MIN_REPORTS = 30
# Versions whose trained model stays stored (~20 MB each for 1,650 reports); older ones keep
# their row, figures and recorded suggestions but not the model itself.
KEEP_MODELS = 3
_cache: dict[tuple, Router] = {}
_lock = threading.Lock()


def report_text(report: Report) -> str:
    return f"{report.title}\n{report.description}\n{report.address}".strip()


def training_reports():
    learned = Q(status__in=[Status.IN_PROGRESS, Status.RESPONDED, Status.CLOSED]) | Q(
        status=Status.ARCHIVED, archive_reason=ArchiveReason.OUT_OF_AUTHORITY
    )
    return (
        Report.objects.filter(learned, agency__isnull=False)
        .select_related("agency", "category")
        .order_by("pk")
    )


def train(*, min_reports: int = MIN_REPORTS) -> RoutingModel | None:
    """Fit a new version on everything there is; None when there is too little to learn from."""
    rows = [
        (report_text(r), r.agency.code, r.category.code if r.category_id else None)
        for r in training_reports().iterator(chunk_size=1000)
    ]
    if len(rows) < min_reports or len({agency for _t, agency, _c in rows}) < 2:
        log.info("triage: %d reports, not enough to train", len(rows))
        return None
    texts, agencies, categories = zip(*rows, strict=True)
    from .model import Router

    router = Router().fit(list(texts), list(agencies), list(categories))
    blob = zlib.compress(pickle.dumps(router, protocol=pickle.HIGHEST_PROTOCOL), 6)
    with transaction.atomic():
        # Locks the table's newest row so that two trainings at once get different versions;
        # the unique constraint on `version` is the backstop.
        latest = RoutingModel.objects.select_for_update().order_by("-version").first()
        version = (latest.version if latest else 0) + 1
        RoutingModel.objects.filter(is_active=True).update(is_active=False)
        RoutingModel.objects.filter(version__lte=version - KEEP_MODELS).update(blob=b"")
        model = RoutingModel.objects.create(
            version=version,
            trained_on=len(rows),
            blob=blob,
            metrics={
                "train_seconds": round(router.train_seconds, 2),
                "size_bytes": len(blob),
                "agency_threshold": router.agency.threshold,
                "category_threshold": router.category.threshold,
                "agencies": len(router.agency.classes_),
                "categories": len(router.category.classes_),
            },
        )
    log.info(
        "triage: model v%d trained on %d reports in %.1f s",
        version,
        len(rows),
        router.train_seconds,
    )
    return model


def current() -> tuple[RoutingModel, Router] | tuple[None, None]:
    """The active model and its router, loaded once per process and version."""
    model = RoutingModel.objects.filter(is_active=True).defer("blob").order_by("-version").first()
    if model is None:
        return None, None
    # Keyed by more than the id: a database restored from a backup (or a test rolled back) may
    # give a new model the id of one this process has already loaded.
    key = (model.pk, model.version, model.created_at)
    with _lock:
        router = _cache.get(key)
        if router is None:
            blob = RoutingModel.objects.filter(pk=model.pk).values_list("blob", flat=True).get()
            router = pickle.loads(zlib.decompress(bytes(blob)))
            _cache.clear()
            _cache[key] = router
    return model, router


def needs_training() -> bool:
    """New learnable reports since the active model was trained."""
    latest = RoutingModel.objects.filter(is_active=True).aggregate(n=Max("trained_on"))["n"] or 0
    return training_reports().count() != latest
