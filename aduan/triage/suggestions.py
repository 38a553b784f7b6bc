"""Routing suggestions for the dispatcher's workspace and the API: `suggest(report)`.

Plain functions, so that the back office (`triage/_suggestions.html`) and the JSON API show the
same thing. A suggestion that is shown is recorded (`SuggestionRecord`), so that its accuracy in
production can be measured against the dispatcher's choice (`accuracy`).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction

from aduan.directory.models import Agency, Category
from aduan.reports.models import Report

from . import places, training
from .models import SuggestionRecord


@dataclass
class Suggestion:
    # Best first, each with its confidence (0–1); empty when the model is unsure ("no suggestion").
    agencies: list[tuple[Agency, float]] = field(default_factory=list)
    categories: list[tuple[Category, float]] = field(default_factory=list)
    unsure: bool = True
    # Places the text names outside the regency (and none inside): probably out of authority.
    outside_places: list[places.Place] = field(default_factory=list)
    # The body outside the regency that similar past reports went to (an imported history's
    # regency or national office, kept as an inactive external agency), when the model is sure.
    external_body: Agency | None = None
    model_version: int | None = None

    @property
    def out_of_authority(self) -> bool:
        return bool(self.outside_places) or self.external_body is not None


def suggest_text(text: str) -> tuple[Suggestion, object]:
    """The suggestion for a text (a report being filed); also returns the model used."""
    suggestion = Suggestion(outside_places=places.outside_places(text, settings.REGENCY_CODE))
    model, router = training.current()
    if router is None:
        return suggestion, None
    agency_rank, category_rank = router.predict([text])[0]
    suggestion.model_version = model.version
    agencies = Agency.objects.in_bulk([code for code, _c in agency_rank.labels], field_name="code")
    categories = Category.objects.in_bulk(
        [code for code, _c in category_rank.labels], field_name="code"
    )
    # A record made inactive since training (or an imported body outside the regency) cannot be
    # chosen: the head is unsure when its best guess is one of those.
    best = agencies.get(agency_rank.labels[0][0]) if agency_rank.labels else None
    if (
        agency_rank.confident
        and best is not None
        and not best.is_active
        and best.kind == Agency.Kind.EXTERNAL
    ):
        suggestion.external_body = best
    if agency_rank.confident and best is not None and best.is_active:
        suggestion.unsure = False
        suggestion.agencies = [
            (agencies[code], conf)
            for code, conf in agency_rank.labels
            if code in agencies and agencies[code].is_active
        ]
        if category_rank.confident:
            suggestion.categories = [
                (categories[code], conf)
                for code, conf in category_rank.labels
                if code in categories and categories[code].is_active
            ]
    return suggestion, model


def suggest(report: Report, *, viewer=None, record: bool = True) -> Suggestion:
    """The suggestion for `report`, recorded once per report and model version when `record`."""
    suggestion, model = suggest_text(training.report_text(report))
    if record and model is not None:
        try:
            with transaction.atomic():
                SuggestionRecord.objects.get_or_create(
                    report=report,
                    model=model,
                    defaults={
                        "shown_to": viewer
                        if viewer is not None and viewer.is_authenticated
                        else None,
                        "agencies": [[a.code, round(c, 4)] for a, c in suggestion.agencies],
                        "categories": [[c.code, round(p, 4)] for c, p in suggestion.categories],
                        "abstained": suggestion.unsure,
                    },
                )
        except IntegrityError:  # two dispatchers opened the report at the same moment
            pass
    return suggestion


def suggestion_data(suggestion: Suggestion) -> dict:
    """The suggestion as plain data, for the JSON API."""
    return {
        "unsure": suggestion.unsure,
        "model_version": suggestion.model_version,
        "agencies": [
            {"code": a.code, "name": a.short_name, "confidence": round(c, 3)}
            for a, c in suggestion.agencies
        ],
        "categories": [
            {"code": c.code, "name": str(c), "confidence": round(p, 3)}
            for c, p in suggestion.categories
        ],
        "out_of_authority": suggestion.out_of_authority,
        "external_body": suggestion.external_body.name if suggestion.external_body else None,
        "outside_places": [{"code": p.code, "name": p.name} for p in suggestion.outside_places],
    }
