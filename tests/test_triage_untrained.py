"""Routing suggestions (aduan.triage) before a model, or with one a test trains itself: "no
suggestion", too little history to train, places outside the regency, the outside body that
similar imported reports went to. With the shared trained model:
tests/test_triage_suggestions.py."""

from aduan.triage import training
from aduan.triage.models import RoutingModel, SuggestionRecord
from aduan.triage.suggestions import suggest
from tests.conftest import file_report
from tests.triage_data import import_rows, routing_rows


def test_it_says_no_suggestion_without_a_model(cast):
    suggestion = suggest(file_report(cast))
    assert suggestion.unsure and suggestion.agencies == [] and suggestion.model_version is None
    assert not SuggestionRecord.objects.exists()


def test_it_refuses_to_train_on_too_little(cast):
    assert training.train() is None
    assert not RoutingModel.objects.exists()


def test_it_flags_places_outside_the_regency(cast):
    outside = suggest(
        file_report(cast, description="Jalan rusak parah di Kecamatan Mranggen, Kabupaten Demak.")
    )
    assert outside.out_of_authority
    assert {p.name for p in outside.outside_places} == {"Mranggen", "Kabupaten Demak"}
    home = suggest(
        file_report(cast, description="Jalan rusak di Kecamatan Alas, Kabupaten Sumbawa.")
    )
    assert not home.out_of_authority
    west = suggest(file_report(cast, description="Pungutan liar di kantor desa, Sumbawa Barat."))
    assert [p.name for p in west.outside_places] == ["Kabupaten Sumbawa Barat"]


def test_it_names_the_outside_body_similar_reports_went_to(cast, tmp_path):
    """Imported history sends a regency's local matters to that regency (an inactive external
    agency after the import); the model learns it and says so instead of suggesting it."""
    from aduan.directory.models import Agency
    from tests.triage_data import dev_rows

    train, _test = routing_rows()
    outside = [dict(r, code="kab-demak") for r in dev_rows() if r["agency"] == "Kabupaten Demak"]
    Agency.objects.create(
        code="kab-demak",
        name="Kabupaten Demak",
        short_name="Kab. Demak",
        kind=Agency.Kind.EXTERNAL,
        is_active=False,
    )
    import_rows(train + outside[:60])
    training.train()
    named = [
        suggest(file_report(cast, title="Laporan", description=r["text"], address=""), record=False)
        for r in outside[60:90]
    ]
    flagged = [s for s in named if s.external_body is not None]
    assert len(flagged) >= 5
    assert all(
        s.external_body.code == "kab-demak" and s.out_of_authority and s.agencies == []
        for s in flagged
    )
