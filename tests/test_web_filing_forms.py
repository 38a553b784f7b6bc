"""What the new-user journey found in the filing forms (issue 13): nothing a person filled is lost
(dates, chosen photos), the form works without JavaScript, and errors are summarised at the top
with links to their fields."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.directory.models import Category, Region
from aduan.reports.models import Attachment, Report, Status
from aduan.web import pending
from aduan.web.models import PendingUpload
from tests.conftest import report_in
from tests.portal import give_profile, jpeg_with_gps
from tests.test_web_filing import _data, _form

pytestmark = pytest.mark.django_db


def _photo(name="jalan.jpg"):
    return SimpleUploadedFile(name, jpeg_with_gps(), content_type="image/jpeg")


def test_it_keeps_the_incident_date_when_completing_a_returned_report(client, cast):
    report = report_in(cast, Status.RETURNED)
    assert report.incident_date == dt.date(2026, 3, 2)
    client.force_login(cast.citizen)
    body = client.get(f"/laporan/{report.code}/").content.decode()
    form = body[body.index('id="resubmit-form"') :]
    date_input = re.search(r'<input[^>]*name="incident_date"[^>]*>', form).group(0)
    # The value a date input accepts (ISO), not the locale's "02/03/2026" it would drop.
    assert 'value="2026-03-02"' in date_input and 'type="date"' in date_input


def test_the_profile_keeps_the_birth_date(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    body = client.get("/akun/profil/").content.decode()
    birth = re.search(r'<input[^>]*name="birth_date"[^>]*>', body).group(0)
    assert 'value="1990-03-12"' in birth


def test_it_shows_the_category_questions_without_javascript(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    data = _data(_form(client), refresh="category", title="Jalan rusak parah")
    del data["q_status-jalan"], data["q_jenis-kerusakan"]
    response = client.post("/lapor/", data)
    body = response.content.decode()
    assert response.status_code == 200 and Report.objects.count() == 0
    assert 'name="q_status-jalan"' in body and "Status jalan" in body
    assert 'value="Jalan rusak parah"' in body
    assert 'role="alert"' not in body  # nothing was sent, so nothing is wrong yet
    # the button is there for browsers without JavaScript only
    assert re.search(r"<noscript>\s*<button[^>]*name=\"refresh\"", body)


def test_it_lists_the_villages_of_the_district_without_javascript(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    village = Region.objects.get(code="52.04.08.1004")
    data = _data(_form(client), refresh="district")
    del data["village"]
    body = client.post("/lapor/", data).content.decode()
    assert f'<option value="{village.pk}">{village.name}</option>' in body


def test_it_keeps_the_chosen_photo_across_a_failed_submit(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    data = _data(_form(client), attachments=[_photo()])
    del data["title"]
    refused = client.post("/lapor/", data)
    assert refused.status_code == 200 and Report.objects.count() == 0
    kept = PendingUpload.objects.get(user=cast.citizen)
    body = refused.content.decode()
    assert re.search(rf'name="pending_uploads"\s+value="{kept.key}"', body) and "jalan.jpg" in body
    again = _data(refused.context["form_token"], pending_uploads=[kept.key])
    response = client.post("/lapor/", again)
    report = Report.objects.get()
    assert response.status_code == 302
    attachment = Attachment.objects.get(report=report)
    assert attachment.original_name == "jalan.jpg" and attachment.content_type == "image/jpeg"
    assert b"SERIAL-12345" not in attachment.file.read()
    assert not PendingUpload.objects.exists()


def test_an_unticked_kept_photo_is_not_attached(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    data = _data(_form(client), attachments=[_photo()])
    del data["title"]
    refused = client.post("/lapor/", data)
    client.post("/lapor/", _data(refused.context["form_token"]))
    assert Report.objects.count() == 1 and not Attachment.objects.exists()


def test_it_does_not_attach_the_kept_file_of_another_user(client, cast):
    give_profile(cast.citizen)
    give_profile(cast.other_citizen, nik="5204084203900002", sex="P")
    from aduan.reports import attachments

    other = pending.keep(cast.other_citizen, attachments.clean_upload(_photo("lain.jpg")))
    client.force_login(cast.citizen)
    client.post("/lapor/", _data(_form(client), pending_uploads=[other.key]))
    assert Report.objects.count() == 1 and not Attachment.objects.exists()
    assert PendingUpload.objects.filter(pk=other.pk).exists()


def test_it_summarises_the_errors_at_the_top_with_links(client, cast):
    give_profile(cast.representative)
    client.force_login(cast.representative)
    data = _data(_form(client), **{"wakil-on_behalf": "on", "wakil-resident_name": "Siti"})
    del data["title"]
    body = client.post("/lapor/", data).content.decode()
    summary = body[body.index('id="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert body.index('id="error-summary"') < body.index('name="classification"')
    assert 'href="#id_title"' in summary
    # With the title given, the action's refusal of the missing RT/RW consent, which sits four
    # screens down, is in the summary, linked to its box.
    data.update({"title": "Jalan berlubang", "wakil-resident_phone": "081339100022"})
    data["wakil-relationship"] = "Ketua RT 03"
    body = client.post("/lapor/", data).content.decode()
    summary = body[body.index('id="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'href="#id_wakil-consent"' in summary and "Persetujuan warga" in summary


def test_unclaimed_files_expire(cast, settings):
    from aduan.reports import attachments

    kept = pending.keep(cast.citizen, attachments.clean_upload(_photo()))
    name, storage = kept.file.name, kept.file.storage
    assert pending.purge() == 0
    later = kept.created_at + dt.timedelta(days=settings.PENDING_UPLOAD_DAYS, minutes=1)
    assert pending.purge(now=later) == 1
    assert not PendingUpload.objects.exists() and not storage.exists(name)


def test_a_category_question_date_keeps_its_value(cast):
    from aduan.web.forms import ReportForm

    category = Category.objects.get(code="infrastruktur-jalan")
    form = ReportForm(category=category, initial={"incident_date": dt.date(2026, 3, 2)})
    assert 'value="2026-03-02"' in str(form["incident_date"])
