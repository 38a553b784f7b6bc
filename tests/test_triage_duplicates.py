"""Likely duplicates (aduan.triage.duplicates.find_duplicates) and the snippet that lists them."""

import datetime as dt

from django.template.loader import render_to_string

from aduan.directory.models import Region
from aduan.reports import actions
from aduan.reports.models import Status
from aduan.triage.duplicates import find_duplicates
from aduan.triage.views_context import triage_context
from tests.conftest import file_report, report_in

TEXT = (
    "Lampu penerangan jalan di depan masjid Nurul Huda mati sejak tiga minggu, "
    "jalan gelap dan rawan."
)
PARAPHRASE = (
    "Sudah 3 minggu lampu jalan depan Masjid Nurul Huda padam. Jalanan jadi gelap, rawan kejahatan."
)
OTHER = "Guru honorer di sekolah dasar belum menerima gaji selama empat bulan terakhir."


def test_it_finds_near_identical_and_paraphrased_reports(cast):
    original = file_report(cast, title="Lampu jalan mati", description=TEXT)
    copy = file_report(cast, title="Lampu jalan mati", description=TEXT + " Mohon segera.")
    paraphrase = file_report(cast, title="Lampu jalan padam", description=PARAPHRASE)
    file_report(cast, title="Gaji guru", description=OTHER)
    found = find_duplicates(original)
    assert [r.pk for r, _s in found] == [copy.pk, paraphrase.pk]
    (_copy, high), (_para, lower) = found
    assert 0.9 <= high <= 1 and 0.45 <= lower < high


def test_it_ignores_other_places_old_and_archived_reports(cast):
    original = file_report(cast, description=TEXT)
    other_district = Region.objects.get(code="52.04.02")
    file_report(cast, description=PARAPHRASE, district=other_district, village=None)
    file_report(cast, description=TEXT, now=original.submitted_at - dt.timedelta(days=90))
    archived = file_report(cast, description=TEXT)
    actions.do_archive(archived, actor=cast.dispatcher, reason="spam")
    assert find_duplicates(original) == []


def test_it_shows_a_citizen_only_reports_they_may_see(cast):
    hidden = report_in(cast, Status.SUBMITTED, description=TEXT)
    public = report_in(cast, Status.DISPOSITIONED, description=TEXT)
    mine = file_report(cast, reporter=cast.other_citizen, description=PARAPHRASE)
    assert [r.pk for r, _s in find_duplicates(mine, viewer=cast.other_citizen)] == [public.pk]
    assert {r.pk for r, _s in find_duplicates(mine, viewer=cast.dispatcher)} == {
        hidden.pk,
        public.pk,
    }


def test_it_renders_suggestions_and_duplicates_with_the_merge_form(cast, rf):
    original = file_report(cast, description=TEXT)
    copy = file_report(cast, description=TEXT)
    request = rf.get("/")
    request.user = cast.dispatcher
    context = triage_context(copy, cast.dispatcher, merge_action="/gabung/")
    html = render_to_string("triage/_suggestions.html", context, request=request)
    assert "Tidak ada saran" in html  # no model trained yet
    assert original.code in html and 'name="into"' in html and "/gabung/" in html
