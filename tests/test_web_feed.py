import pytest

from aduan.reports.models import Status
from tests.conftest import report_in

pytestmark = pytest.mark.django_db


def test_it_lists_only_reports_that_may_be_public(client, cast):
    shown = report_in(cast, Status.IN_PROGRESS, title="Lampu jalan mati")
    report_in(cast, Status.IN_PROGRESS, title="Pungli rahasia", confidential=True)
    report_in(cast, Status.SUBMITTED, title="Belum diverifikasi")
    report_in(cast, Status.RETURNED, title="Dikembalikan")
    report_in(cast, Status.ARCHIVED, title="Spam diarsipkan")
    response = client.get("/laporan/")
    assert [r.code for r, *_ in response.context["rows"]] == [shown.code]
    body = response.content.decode()
    assert "Pungli rahasia" not in body and "Belum diverifikasi" not in body


def test_search_never_finds_a_confidential_report(client, cast):
    report_in(cast, Status.IN_PROGRESS, title="Pungli rahasia", confidential=True)
    response = client.get("/laporan/", {"q": "pungli"})
    assert response.context["rows"] == []


def test_it_masks_names_and_hides_anonymous_reporters(client, cast):
    report_in(cast, Status.IN_PROGRESS, title="Satu")
    report_in(cast, Status.IN_PROGRESS, title="Dua", anonymous=True)
    body = client.get("/laporan/").content.decode()
    assert "W**** S********" in body and "Anonim" in body and "Wayan" not in body


def test_it_filters_by_category_agency_district_and_status(client, cast):
    from aduan.directory.models import Category

    road = report_in(cast, Status.IN_PROGRESS, title="Jalan")
    other = report_in(
        cast,
        Status.RESPONDED,
        title="Sekolah",
        category=Category.objects.get(code="pendidikan-kebudayaan"),
    )

    def codes(r):
        return [x.code for x, *_ in r.context["rows"]]

    assert codes(client.get("/laporan/", {"category": road.category_id})) == [road.code]
    assert codes(client.get("/laporan/", {"status": "responded"})) == [other.code]
    assert set(codes(client.get("/laporan/", {"agency": cast.agency_a.pk}))) == {
        road.code,
        other.code,
    }
    assert codes(client.get("/laporan/", {"agency": cast.agency_b.pk})) == []
    assert len(codes(client.get("/laporan/", {"district": "52.04.08"}))) == 2
    assert codes(client.get("/laporan/", {"district": "52.04.02"})) == []


def test_it_ignores_an_invalid_filter_without_an_error(client, cast):
    report_in(cast, Status.IN_PROGRESS)
    response = client.get("/laporan/", {"status": "submitted", "category": "x"})
    assert response.status_code == 200 and "Pilih" in response.content.decode()


def test_it_pages_with_pinned_queries(client, cast, django_assert_num_queries):
    for i in range(22):
        report_in(cast, Status.DISPOSITIONED, title=f"Laporan {i}")
    # count, the page (category, agency, district, reporter joined; supports counted),
    # and the choices of the filter form: categories, agencies, kecamatan
    with django_assert_num_queries(5):
        response = client.get("/laporan/")
    assert len(response.context["rows"]) == 20 and response.context["page"].has_next()
    second = client.get("/laporan/", {"halaman": 2})
    assert len(second.context["rows"]) == 2


def test_search_finds_indonesian_word_forms_ranked_and_highlighted(client, cast):
    from aduan.reports.models import Status
    from tests.conftest import report_in

    report_in(
        cast,
        Status.DISPOSITIONED,
        title="Lampu jalan padam",
        description="Penerangan jalan mati total.",
    )
    match = report_in(
        cast,
        Status.DISPOSITIONED,
        title="Perbaikan jembatan Kakiang",
        description="Jembatan gantung rusak dan miring, mohon diperbaiki segera.",
    )
    response = client.get("/laporan/", {"q": "memperbaiki jembatan"})
    page = response.content.decode()
    assert match.code in page and "Lampu jalan padam" not in page
    assert "<mark>" in page  # the matching words are highlighted
    assert response.context["page"].paginator.count == 1


def test_it_counts_at_most_a_bound_and_says_there_are_more(
    client, cast, monkeypatch, django_assert_num_queries
):
    from aduan.core import paging

    made = [report_in(cast, Status.DISPOSITIONED, title=f"Laporan {i}") for i in range(5)]
    monkeypatch.setattr(paging, "MAX_ROWS", 3)
    with django_assert_num_queries(5):  # the same queries as without a bound
        response = client.get("/laporan/", {"halaman": 9})
    paginator = response.context["page"].paginator
    assert paginator.count == 3 and paginator.capped and paginator.num_pages == 1
    # The newest three are listed; an older page is not offered (no deep OFFSET).
    assert [r.code for r, *_ in response.context["rows"]] == [r.code for r in reversed(made)][:3]
    assert "Lebih dari 3 laporan" in response.content.decode()
    monkeypatch.setattr(paging, "MAX_ROWS", 5)
    response = client.get("/laporan/")
    assert (
        response.context["page"].paginator.count == 5
        and "Lebih dari" not in response.content.decode()
    )


def test_a_search_with_more_matches_than_are_ranked_says_so(client, cast, monkeypatch):
    from aduan.search import backends

    monkeypatch.setattr(backends, "MAX_CANDIDATES", 2)
    for i in range(3):
        report_in(cast, Status.DISPOSITIONED, description=f"Drainase tersumbat nomor {i}.")
    response = client.get("/laporan/", {"q": "drainase"})
    assert (
        len(response.context["rows"]) == 2 and "Lebih dari 2 laporan" in response.content.decode()
    )
