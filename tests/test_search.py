"""Search (aduan.search.backends.search): stemming, visibility, staff identity finds, ranking,
highlighting, and the index kept in step by the actions. Runs on SQLite and PostgreSQL."""

import io

from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from aduan.reports import actions
from aduan.reports.models import Status
from aduan.search.backends import search
from aduan.search.models import SearchDocument
from tests.conftest import file_report, report_in

ANON = AnonymousUser()


def codes(page):
    return [hit.report.code for hit in page.hits]


def test_it_finds_inflected_words_through_stems(cast):
    report = report_in(
        cast,
        Status.IN_PROGRESS,
        title="Perbaikan jembatan",
        description="Jembatan penghubung desa rusak dan berlubang-lubang sejak banjir.",
    )
    page = search(ANON, "memperbaiki lubang")
    assert codes(page) == [report.code]
    assert page.total == 1
    assert "<mark>Perbaikan</mark>" in page.hits[0].title
    assert "<mark>berlubang</mark>" in page.hits[0].snippet


def test_it_needs_every_word(cast):
    report_in(cast, Status.IN_PROGRESS, description="Lampu penerangan jalan mati.")
    assert codes(search(ANON, "lampu sekolah")) == []


def test_it_hides_unverified_and_confidential_reports_from_the_public(cast):
    public = report_in(cast, Status.DISPOSITIONED, description="Sampah menumpuk di pasar Seketeng.")
    report_in(cast, Status.SUBMITTED, description="Sampah menumpuk di pasar lama.")
    report_in(
        cast, Status.DISPOSITIONED, confidential=True, description="Sampah menumpuk di pasar baru."
    )
    report_in(cast, Status.ARCHIVED, description="Sampah menumpuk di terminal.")
    assert codes(search(ANON, "sampah")) == [public.code]
    assert codes(search(cast.other_citizen, "sampah")) == [public.code]
    assert len(search(cast.dispatcher, "sampah").hits) == 4


def test_it_shows_citizens_their_own_unverified_reports(cast):
    own = report_in(cast, Status.SUBMITTED, description="Sampah menumpuk di pasar lama.")
    assert codes(search(cast.citizen, "sampah")) == [own.code]
    assert codes(search(cast.other_citizen, "sampah")) == []


def test_it_follows_the_actions(cast):
    report = report_in(cast, Status.RETURNED, description="Air PDAM tidak mengalir.")
    assert codes(search(cast.citizen, "mengalir")) == [report.code]
    actions.do_resubmit(
        report, actor=cast.citizen, changes={"description": "Pipa bocor di depan rumah."}
    )
    assert codes(search(cast.citizen, "mengalir")) == []
    assert codes(search(cast.citizen, "kebocoran pipa")) == [report.code]
    actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher)
    assert codes(search(ANON, "pipa")) == [report.code]
    actions.do_reclassify(report, actor=cast.dispatcher, confidential=True)
    assert codes(search(ANON, "pipa")) == []


def test_it_finds_by_category_place_and_agency_names(cast):
    report = report_in(cast, Status.DISPOSITIONED, description="Tolong segera ditangani.")
    assert codes(search(ANON, "jembatan seketeng")) == [report.code]  # category, village
    assert codes(search(ANON, "PUPR")) == [report.code]  # agency


def test_it_ranks_by_relevance_then_recency(cast):
    once = report_in(
        cast,
        Status.DISPOSITIONED,
        title="Laporan warga",
        description=(
            "Ada genangan air di jalan desa, mohon diperiksa kondisi saluran di sekitar sana."
        ),
    )
    often = report_in(
        cast,
        Status.DISPOSITIONED,
        title="Genangan air",
        description="Genangan air menggenang berhari-hari.",
    )
    older = report_in(
        cast,
        Status.DISPOSITIONED,
        title="Pohon tumbang",
        description="Pohon tumbang menutup jalan.",
    )
    newer = report_in(
        cast,
        Status.DISPOSITIONED,
        title="Pohon tumbang",
        description="Pohon tumbang menutup jalan.",
    )
    assert codes(search(ANON, "genangan")) == [often.code, once.code]
    assert codes(search(ANON, "pohon tumbang")) == [newer.code, older.code]


def test_it_pages_results(cast):
    made = [
        report_in(cast, Status.DISPOSITIONED, description=f"Drainase tersumbat nomor {i}.")
        for i in range(5)
    ]
    first, second = search(ANON, "drainase", limit=3), search(ANON, "drainase", limit=3, offset=3)
    assert first.total == second.total == 5
    assert sorted(codes(first) + codes(second)) == sorted(r.code for r in made)


def test_it_lets_staff_find_by_code_name_and_phone(cast):
    report = file_report(
        cast,
        reporter=None,
        reporter_name="Baiq Nurhasanah",
        reporter_phone="081234567890",
        filed_by=cast.dispatcher,
        description="Jalan rusak.",
    )
    assert codes(search(cast.dispatcher, report.code.lower())) == [report.code]
    assert codes(search(cast.dispatcher, "nurhasanah")) == [report.code]
    assert search(cast.dispatcher, "nurhasanah").hits[0].matched == "reporter"
    assert codes(search(cast.dispatcher, "+62 812-3456-7890")) == [report.code]
    assert (
        codes(search(cast.dispatcher, "Wayan Sudarsana")) == []
    )  # the cast citizen filed nothing yet


def test_it_never_finds_anonymous_reporters_by_identity_for_agency_or_supervisor(cast):
    anonymous = report_in(
        cast, Status.IN_PROGRESS, anonymous=True, description="Pungutan liar di kantor desa."
    )
    named = report_in(cast, Status.IN_PROGRESS, description="Pungutan liar di sekolah.")
    assert set(codes(search(cast.dispatcher, "Wayan Sudarsana"))) == {anonymous.code, named.code}
    assert codes(search(cast.supervisor, "Wayan Sudarsana")) == [named.code]
    assert codes(search(cast.officer_a, "Wayan Sudarsana")) == [named.code]
    assert codes(search(cast.officer_b, "Wayan Sudarsana")) == []  # not their agency's report
    assert codes(search(ANON, "Wayan Sudarsana")) == []
    assert codes(search(cast.other_citizen, "081339100011")) == []
    # The anonymous report is still found by its words, without identity.
    assert anonymous.code in codes(search(cast.supervisor, "pungutan kantor"))


def test_it_returns_nothing_for_stopwords_only(cast):
    report_in(cast, Status.DISPOSITIONED)
    page = search(ANON, "yang dan di")
    assert page.hits == [] and page.total == 0


def test_it_rebuilds_the_index(cast):
    report = report_in(cast, Status.DISPOSITIONED, description="Jaringan internet desa putus.")
    SearchDocument.objects.all().delete()
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert codes(search(ANON, "internet")) == [report.code]


def test_it_pins_its_queries(cast, django_assert_num_queries):
    for i in range(3):
        report_in(cast, Status.DISPOSITIONED, description=f"Sampah menumpuk di pasar nomor {i}.")
    # 1. the newest report id, 2. the visible matches of the newest range of ids with their scores
    # (one range holds every report here), 3. the page of reports with category, agency, places
    with django_assert_num_queries(3):
        page = search(ANON, "sampah")
        assert len(page.hits) == 3
    # plus 4. reporters found by name, for staff
    with django_assert_num_queries(4):
        assert len(search(cast.dispatcher, "sampah").hits) == 3


def test_staff_find_a_reporter_by_nik_through_the_keyed_hash_and_no_one_else_does(cast):
    from aduan.reports.models import Report

    cast.citizen.set_nik("5204081204850001")
    cast.citizen.save()
    named = report_in(cast, Status.DISPOSITIONED)
    hidden = report_in(cast, Status.DISPOSITIONED, anonymous=True)
    resident = report_in(
        cast,
        Status.DISPOSITIONED,
        reporter=None,
        filed_by=cast.representative,
        consent=True,
        reporter_name="Siti Aminah",
        reporter_nik="5204084107900001",
    )
    assert {h.report.pk for h in search(cast.dispatcher, "5204081204850001").hits} == {
        named.pk,
        hidden.pk,
    }
    assert [h.report.pk for h in search(cast.dispatcher, "5204 0841 0790 0001").hits] == [
        resident.pk
    ]
    # The supervisor may see named reporters but not the anonymous one; the public finds no NIK.
    assert [h.report.pk for h in search(cast.supervisor, "5204081204850001").hits] == [named.pk]
    assert search(ANON, "5204081204850001").hits == []
    assert "5204081204850001" not in str(
        Report.objects.values_list("reporter_nik_hash", "reporter_nik_encrypted")
    )


def test_it_ranks_only_the_newest_matches_and_says_there_are_more(cast, monkeypatch):
    from aduan.search import backends

    monkeypatch.setattr(backends, "MAX_CANDIDATES", 3)
    monkeypatch.setattr(backends, "WINDOW", 2)  # several ranges of ids are searched
    made = [
        report_in(cast, Status.DISPOSITIONED, description=f"Drainase tersumbat nomor {i}.")
        for i in range(4)
    ]
    best_but_oldest = report_in(
        cast,
        Status.DISPOSITIONED,
        title="Drainase drainase",
        description="Drainase tersumbat, drainase meluap, drainase rusak.",
    )
    # Filed first, the best match is no longer among the three newest once three more are filed.
    newer = [
        report_in(cast, Status.DISPOSITIONED, description=f"Drainase tersumbat lagi {i}.")
        for i in range(3)
    ]
    page = search(ANON, "drainase", limit=10)
    assert page.capped and page.total == 3
    assert set(codes(page)) == {r.code for r in newer}
    assert best_but_oldest.code not in codes(page) and made[0].code not in codes(page)


def test_the_newest_matches_are_ranked_by_relevance(cast, monkeypatch):
    from aduan.search import backends

    monkeypatch.setattr(backends, "MAX_CANDIDATES", 2)
    monkeypatch.setattr(backends, "WINDOW", 1)
    report_in(cast, Status.DISPOSITIONED, description="Drainase tersumbat.")
    often = report_in(
        cast,
        Status.DISPOSITIONED,
        title="Drainase",
        description="Drainase drainase drainase tersumbat.",
    )
    once = report_in(cast, Status.DISPOSITIONED, description="Drainase tersumbat di pasar.")
    report_in(
        cast, Status.IN_PROGRESS, description="Drainase rahasia.", confidential=True
    )  # never a candidate
    page = search(ANON, "drainase")
    assert codes(page) == [often.code, once.code] and page.capped
