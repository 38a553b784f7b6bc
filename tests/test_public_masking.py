"""What the public reads of a report (issue 15): phone numbers, e-mail addresses, NIK-like and
account numbers are masked by one function (`masking.mask`, through `visibility.shown_text` and
`visible_events`) on the feed, the public page, the public API and Open311, while the reporter
and staff read the original; categories private by default stay out of the public feed until a
dispatcher publishes them."""

import pytest

from aduan.directory.models import Category
from aduan.reports import actions, errors
from aduan.reports.masking import mask
from aduan.reports.models import Status
from aduan.reports.visibility import public_reports
from tests.api.conftest import ApiClient
from tests.conftest import report_in, result_photo

pytestmark = pytest.mark.django_db

HIDDEN_NUMBER, HIDDEN_EMAIL = "[nomor disamarkan]", "[e-mail disamarkan]"
# The phone number of these tests as it is written in them: a page must show none of these. (Not
# its digits alone: a time's microseconds on a page once held "3910".)
PHONE_WRITTEN = ("0813-3910-0011", "813 3910 0011", "081339100011")

# How people in Sumbawa write numbers in a complaint.
NUMBERS = [
    "0813-3910-0011",
    "+62 813 3910 0011",
    "+62-813-3910-0011",
    "6281339100011",
    "62813 3910 0011",
    "0813 3910 0011",
    "081339100011",
    "0813.3910.0011",
    "(0371) 21234",
    "rekening BRI 1234-01-012345-50-6",
    "no rek BNI 0123456789",
    "NIK 5204081203900001",
    "nik: 5204 0812 0390 0001",
    "KK 5204080101120003",
]
KEPT = [
    "Jalan rusak sejak 12-03-2026 di RT 03 RW 05",
    "kejadian 2026-03-12 pukul 08.30",
    "diminta bayar Rp 150.000 untuk surat",
    "pungutan Rp15.000.000 per sekolah",
    "lubang 3 meter di km 12",
    "Desa Seketeng, Kecamatan Sumbawa",
]


@pytest.mark.parametrize("text", NUMBERS)
def test_every_indonesian_spelling_of_a_number_is_masked(text):
    masked = mask(f"Hubungi saya {text} ya.")
    assert HIDDEN_NUMBER in masked
    assert sum(c.isdigit() for c in masked) < 5, masked


@pytest.mark.parametrize(
    "text", ["wayan.sudarsana@gmail.com", "kepala_sd+1@sekolah.sch.id", "A.B@mail.co.id"]
)
def test_email_addresses_are_masked(text):
    assert mask(f"e-mail: {text}.") == f"e-mail: {HIDDEN_EMAIL}."


@pytest.mark.parametrize("text", KEPT)
def test_dates_amounts_and_small_numbers_stay(text):
    assert mask(text) == text


DESCRIPTION = (
    "Kepala sekolah meminta uang Rp 500.000, transfer ke rekening BRI 1234-01-012345-50-6. "
    "Hubungi saya di 0813-3910-0011 atau wayan@example.test."
)


def test_every_public_surface_masks_while_the_parties_read_the_original(client, cast):
    report = report_in(
        cast,
        Status.IN_PROGRESS,
        title="Pungutan di SD, hubungi 081339100011",
        description=DESCRIPTION,
        category=Category.objects.get(code="pendidikan-kebudayaan"),
    )
    actions.do_add_note(
        report, actor=cast.officer_a, text="Kami telepon bapak di +62 813 3910 0011.", public=True
    )
    secrets = (*PHONE_WRITTEN, "01-012345-50", "wayan@example.test")
    public_surfaces = {
        "feed": client.get("/laporan/").content.decode(),
        "page": client.get(f"/laporan/{report.code}/").content.decode(),
        "api list": ApiClient().get("/public/reports").content.decode(),
        "api detail": ApiClient().get(f"/public/reports/{report.code}").content.decode(),
        "open311": client.get(
            f"/open311/v2/requests/{report.code}.json", {"extensions": "true"}
        ).content.decode(),
        "other citizen": ApiClient(cast.other_citizen)
        .get(f"/reports/{report.code}")
        .content.decode(),
    }
    for surface, body in public_surfaces.items():
        assert report.code in body, surface
        assert not any(secret in body for secret in secrets), surface
        assert "disamarkan" in body, surface
    assert "Rp 500.000" in public_surfaces["page"]
    for viewer in (cast.citizen, cast.officer_a, cast.dispatcher):
        body = ApiClient(viewer).get(f"/reports/{report.code}").json()
        assert body["description"] == DESCRIPTION and "081339100011" in body["title"]
        assert any("+62 813 3910 0011" in e["text"] for e in body["timeline"])
    client.force_login(cast.citizen)
    assert "0813-3910-0011" in client.get(f"/laporan/{report.code}/").content.decode()
    report.refresh_from_db()
    assert report.description == DESCRIPTION  # masking never writes


def test_a_private_category_stays_out_of_the_feed_until_the_dispatcher_publishes(client, cast):
    pungli = Category.objects.get(code="pungli")
    assert pungli.private_by_default
    report = report_in(cast, Status.DISPOSITIONED, category=pungli, title="Pungli di kantor desa")
    assert report.confidential and not public_reports().filter(pk=report.pk).exists()
    assert "Pungli di kantor desa" not in client.get("/laporan/").content.decode()
    assert client.get(f"/laporan/{report.code}/").status_code == 404
    actions.do_reclassify(report, actor=cast.dispatcher, confidential=False)
    assert public_reports().filter(pk=report.pk).exists()
    assert report.events.filter(kind="reclassified", data__confidential=[True, False]).exists()


def test_moving_a_report_into_a_private_category_hides_it(cast):
    report = report_in(cast, Status.IN_PROGRESS)
    assert public_reports().filter(pk=report.pk).exists()
    actions.do_reclassify(
        report,
        actor=cast.dispatcher,
        category=Category.objects.get(code="kekerasan-satuan-pendidikan"),
        confidential=False,
    )
    assert report.confidential and not public_reports().filter(pk=report.pk).exists()


def test_the_answer_of_a_public_report_is_masked_too(client, cast):
    report = report_in(cast, Status.IN_PROGRESS)
    actions.do_answer(
        report,
        actor=cast.officer_a,
        text="Sudah ditambal; info lanjut hubungi 0371-21234 atau pupr@sumbawakab.go.id.",
        attachments=[result_photo()],
    )
    page = client.get(f"/laporan/{report.code}/").content.decode()
    assert "21234" not in page and "pupr@sumbawakab" not in page and "Sudah ditambal" in page


def test_the_dispatchers_public_version_is_what_the_public_reads(client, cast):
    report = report_in(
        cast,
        Status.IN_PROGRESS,
        title="Kepala SDN 3 Seketeng memungut uang",
        description="Pak Made, kepala SDN 3 Seketeng, memungut Rp 50.000 per murid.",
    )
    client.force_login(cast.dispatcher)
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/edit_public/",
        {
            "version": report.version,
            "title": "Pungutan di sebuah sekolah dasar",
            "description": "Sekolah memungut uang dari murid; hubungi 0813-3910-0011.",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.title == "Kepala SDN 3 Seketeng memungut uang"  # the original stays
    client.logout()
    page = client.get(f"/laporan/{report.code}/").content.decode()
    api = ApiClient().get(f"/public/reports/{report.code}").json()
    assert "Pungutan di sebuah sekolah dasar" in page and "Seketeng memungut" not in page
    assert "Pak Made" not in page and "[nomor disamarkan]" in page
    assert not any(number in page for number in PHONE_WRITTEN)
    assert (
        api["title"] == "Pungutan di sebuah sekolah dasar" and "Pak Made" not in api["description"]
    )
    for staff in (cast.dispatcher, cast.officer_a, cast.citizen):
        assert ApiClient(staff).get(f"/reports/{report.code}").json()["title"] == report.title
    event = report.events.get(kind="public_edited")
    assert event.audience == "internal"
    assert event.data["public_title"] == ["", "Pungutan di sebuah sekolah dasar"]
    from aduan.audit.models import AuditEntry

    assert AuditEntry.objects.filter(report_code=report.code, action="public_edited").exists()
    with pytest.raises(errors.NotPermitted):
        actions.do_edit_public_text(report, actor=cast.officer_a, title="Judul lain")


# --- every other surface that shows a report's words to someone outside the parties ---------
# Each once kept a rule of its own and showed the original words (the open data, the map, the
# Open311 list, the search, the API's `q`, the replay of the event feed).

ORIGINAL_TITLE = "Kepala SDN 3 Seketeng, Pak Made 081339100011, memungut uang"


def _edited_report(cast):
    """A public report whose words name a person and a phone number, with the dispatcher's public
    version, and a public note with a number."""
    report = report_in(
        cast,
        Status.IN_PROGRESS,
        title=ORIGINAL_TITLE,
        description="Pak Made memungut Rp 50.000 per murid; hubungi saya 0813-3910-0011.",
    )
    actions.do_edit_public_text(
        report,
        actor=cast.dispatcher,
        title="Pungutan di sebuah sekolah dasar",
        description="Sekolah memungut uang dari murid; hubungi 0813-3910-0011.",
    )
    actions.do_add_note(
        report, actor=cast.officer_a, text="Kami telepon bapak di +62 813 3910 0011.", public=True
    )
    return report


def test_the_open_data_map_and_open311_list_read_the_public_words(client, cast, settings, tmp_path):
    import json

    from django.core.files.storage import default_storage

    from aduan.stats import opendata

    settings.MEDIA_ROOT = str(tmp_path)
    report = _edited_report(cast)
    opendata.export()
    with default_storage.open("opendata/laporan.json") as handle:
        exported = json.load(handle)["reports"]
    with default_storage.open("opendata/laporan.csv") as handle:
        csv_text = handle.read().decode()
    surfaces = {
        "open data json": json.dumps(exported, ensure_ascii=False),
        "open data csv": csv_text,
        "map": client.get("/laporan/peta/").content.decode(),
        "open311 list json": client.get("/open311/v2/requests.json").content.decode(),
        "open311 list xml": client.get("/open311/v2/requests.xml").content.decode(),
    }
    for surface, body in surfaces.items():
        assert report.code in body, surface
        assert not any(number in body for number in PHONE_WRITTEN), surface
        assert "Pak Made" not in body and "SDN" not in body, surface
    assert [r["title"] for r in exported] == ["Pungutan di sebuah sekolah dasar"]
    assert "Pungutan di sebuah sekolah dasar" in surfaces["map"]
    assert "[nomor disamarkan]" in surfaces["open311 list json"]
    # The staff's map reads the original words.
    client.force_login(cast.dispatcher)
    assert "Pak Made" in client.get("/kantor/laporan/peta.geojson").content.decode()


@pytest.mark.parametrize("hidden", ["Made", "081339100011", "SDN"])
def test_a_word_the_public_page_hides_finds_nothing(client, cast, hidden):
    report = _edited_report(cast)
    found = client.get("/laporan/", {"q": hidden}).content.decode()
    assert report.code not in found
    assert report.code not in ApiClient().get("/public/reports", {"q": hidden}).content.decode()
    other = ApiClient(cast.other_citizen).get("/reports", {"q": hidden}).json()
    assert report.code not in [r["code"] for r in other["items"]]
    # The public words still find it, and the parties find it by the original words.
    assert report.code in client.get("/laporan/", {"q": "pungutan sekolah"}).content.decode()
    assert report.code in ApiClient().get("/public/reports", {"q": "sekolah"}).content.decode()
    for party in (cast.citizen, cast.officer_a, cast.dispatcher):
        mine = ApiClient(party).get("/reports", {"q": "Pak Made"}).json()
        assert report.code in [r["code"] for r in mine["items"]], party


def test_the_replay_leaves_out_a_report_made_confidential_since(client, cast):
    from aduan.feed.models import FeedEvent, Subscription
    from aduan.integrations import updates

    subscription = Subscription(name="Dasbor", url="http://127.0.0.1:9/")
    _secret, key = subscription.set_credentials()
    subscription.save()
    report = report_in(cast, Status.IN_PROGRESS)
    kept = report_in(cast, Status.IN_PROGRESS, title="Lampu jalan padam")
    assert FeedEvent.objects.filter(report_code=report.code).exists()
    actions.do_reclassify(report, actor=cast.dispatcher, confidential=True)

    def replayed():
        page = client.get(
            "/integrasi/peristiwa/?since=0", headers={"Authorization": f"Bearer {key}"}
        ).json()
        return {e["data"]["report"]["code"] for e in page["events"]}

    assert replayed() == {kept.code}
    assert {row["aduan_code"] for row in updates.rows(0, 100)[0]} == {kept.code}
    actions.do_reclassify(report, actor=cast.dispatcher, confidential=False)
    assert replayed() == {kept.code, report.code}
