"""Identity protection end to end (issue 7, DESIGN §2 `anonymous`).

A citizen with a distinctive name, NIK, phone and e-mail files an anonymous report through the
portal's form, with a photo whose EXIF and XMP carry their name, the camera's serial and the GPS
position of their home, and a file name that names them. The report is dispositioned, accepted,
noted, asked about, answered with another photo, answered, rejected: it is then in every list,
inbox, export, statistic, search index, API and Open311 answer and e-mail there is.

Then each viewer who must not know the reporter — the public, the officer of the agency that
handles it, an officer of another agency, the Inspektorat's officer, the supervisor — fetches every
surface in `SURFACES` (one list: add a surface there; the sysadmin reads the Django admin's) and
none of the identifying strings (`SECRETS`) may appear, in any case, in any of the phone's
spellings. A search by the reporter's name, phone or NIK must not find the report either (it would
tell who filed it). The dispatcher's workspace, which must show the identity, proves the strings
are the right ones.

Decision on the masked NIK (520408••••••0003): it is identifying (district of birth registration
and serial), so it too must not reach these viewers.
"""

import datetime as dt
import html
import io
import json
import zipfile
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from aduan.accounts.models import User
from aduan.audit.models import AuditEntry
from aduan.notifications import outbox
from aduan.notifications.models import Notification
from aduan.reports import actions
from aduan.reports.models import Attachment, Report, Status
from tests import hostile_files as hostile
from tests.api.conftest import ApiClient
from tests.conftest import PASSWORD, photo_bytes
from tests.cover import every_pair
from tests.portal import give_profile, pdf_bytes
from tests.test_web_filing import _data, _form

pytestmark = pytest.mark.django_db

NAME = "Gusti Ayu Purnamasari Wiradana"
USERNAME = "purnamasari.wiradana"
NIK = "5204084512950003"  # Kecamatan Sumbawa, born 5 December 1995 (day + 40: a woman), serial 0003
EMAIL = "purnamasari.wiradana@contoh.id"
PHONE = "+6281237776655"
CAMERA_SERIAL = "SN-77441199"
CAMERA_MODEL = "KameraRahasia X9"
SECRETS = [
    NAME,
    "purnamasari",
    "wiradana",
    USERNAME,
    EMAIL,
    NIK,
    "4512950003",
    "520408••••••0003",
    "520408******0003",
    PHONE,
    "6281237776655",
    "081237776655",
    "81237776655",
    "0812-3777-6655",
    "0812 3777 6655",
    "37776655",
    CAMERA_SERIAL,
    CAMERA_MODEL,
    "KameraRahasia",
    "-8.4916",
    "117.4194",  # the photo's GPS position (8°29'30"S 117°25'10"E), as a map would write it
]
SEARCHES = [NAME, "Wiradana", USERNAME, PHONE, "081237776655", NIK]
BINARY_SECRETS = [b"Exif", b"xmpmeta", b"GPS"]  # in a stored photo: no metadata block at all


def _photo() -> bytes:
    image = Image.new("RGB", (80, 60), (120, 90, 60))
    exif = Image.Exif()
    exif[0x013B] = NAME  # Artist
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x0110] = CAMERA_MODEL  # Model
    exif[0xA431] = CAMERA_SERIAL  # BodySerialNumber
    exif[0x8298] = f"(c) {NAME} {PHONE}"  # Copyright
    exif.get_ifd(0x8825).update({1: "S", 2: (8.0, 29.0, 30.0), 3: "E", 4: (117.0, 25.0, 10.0)})
    xmp = (
        f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><dc:creator>{NAME}</dc:creator>'
        f"<photoshop:AuthorsPosition>{EMAIL}</photoshop:AuthorsPosition></rdf:RDF></x:xmpmeta>"
    ).encode()
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, xmp=xmp, comment=NAME.encode())
    data = out.getvalue()
    assert NAME.encode() in data and CAMERA_SERIAL.encode() in data  # the photo really carries them
    return data


# --- reading what a viewer gets ---------------------------------------------------------------


def _text(response) -> str:
    """Everything a viewer can read in an answer, as text: pages unescaped, JSON with its unicode,
    CSV, every part of an XLSX, the text and raw bytes of a PDF, any file's bytes."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    parts = [response.get("Content-Disposition", "")]
    if "json" in kind:
        parts.append(json.dumps(json.loads(content), ensure_ascii=False))
    elif "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            parts += [book.read(name).decode("utf-8", "replace") for name in book.namelist()]
    elif "pdf" in kind:
        parts += [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]
        parts.append(content.decode("latin-1"))
    elif kind.startswith(("text/", "application/xml")):
        parts.append(html.unescape(content.decode("utf-8", "replace")))
    else:
        parts.append(content.decode("latin-1"))
        parts += [
            f"[metadata block {s.decode()} in a file]" for s in BINARY_SECRETS if s in content
        ]
    return "\n".join(parts)


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [s for s in SECRETS if s.lower() in lowered] + [
        f"metadata block {s.decode()}"
        for s in BINARY_SECRETS
        if f"[metadata block {s.decode()} in a file]" in text
    ]


# --- the surfaces: one list -------------------------------------------------------------------
# `who`: the viewers that fetch it; `path`: with {code}, {attachment} (each attachment of the
# report), {q} (each search in SEARCHES), {month}; `api`: fetched with the viewer's API token.

PUBLIC, CITIZEN, OFFICER, OTHER_OFFICER, INSPECTOR, SUPERVISOR, SYSADMIN = (
    "public",
    "other_citizen",
    "officer_a",
    "officer_b",
    "inspector",
    "supervisor",
    "sysadmin",
)
EVERYONE = (PUBLIC, CITIZEN, OFFICER, OTHER_OFFICER, INSPECTOR, SUPERVISOR)
STAFF = (OFFICER, OTHER_OFFICER, INSPECTOR, SUPERVISOR)
VIEWERS = (*EVERYONE, SYSADMIN)


@dataclass(frozen=True)
class Surface:
    name: str
    who: tuple
    path: str
    api: bool = False
    finds_report: bool = False  # a search: the report must not be among the results


SURFACES = [
    # public portal
    Surface("home", EVERYONE, "/"),
    Surface("feed", EVERYONE, "/laporan/"),
    Surface("feed search", EVERYONE, "/laporan/?q={q}", finds_report=True),
    Surface("report page", EVERYONE, "/laporan/{code}/"),
    Surface("attachment (portal)", EVERYONE, "/laporan/{code}/lampiran/{attachment}/"),
    Surface("in-app notifications", STAFF, "/notifikasi/"),
    # back office
    Surface("back office home", STAFF, "/kantor/"),
    Surface("agency inbox", STAFF, "/kantor/kotak-masuk/"),
    Surface("report list", STAFF, "/kantor/laporan/"),
    Surface("report list search", STAFF, "/kantor/laporan/?q={q}", finds_report=True),
    Surface("export CSV", STAFF, "/kantor/laporan/?format=csv"),
    Surface("export XLSX", STAFF, "/kantor/laporan/?format=xlsx"),
    Surface("workspace", STAFF, "/kantor/laporan/{code}/"),
    Surface("attachment (back office)", STAFF, "/kantor/laporan/{code}/lampiran/{attachment}/"),
    Surface("dashboard", STAFF, "/kantor/statistik/"),
    Surface("overdue list", STAFF, "/kantor/statistik/terlambat/"),
    Surface("evaluation PDF", STAFF, "/kantor/statistik/evaluasi/?format=pdf&bulan={month}"),
    Surface("evaluation XLSX", STAFF, "/kantor/statistik/evaluasi/?format=xlsx&bulan={month}"),
    Surface("audit trail", STAFF, "/kantor/audit/"),
    # JSON API
    Surface("API reports", STAFF, "/api/v1/reports", api=True),
    Surface("API search", STAFF, "/api/v1/reports?q={q}", api=True, finds_report=True),
    Surface("API report", STAFF, "/api/v1/reports/{code}", api=True),
    Surface(
        "API attachment", EVERYONE, "/api/v1/reports/{code}/attachments/{attachment}", api=True
    ),
    Surface("API public reports", EVERYONE, "/api/v1/public/reports", api=True),
    Surface("API public report", EVERYONE, "/api/v1/public/reports/{code}", api=True),
    Surface("API public statistics", EVERYONE, "/api/v1/public/statistics", api=True),
    Surface("API inbox", STAFF, "/api/v1/staff/inbox", api=True),
    Surface("API dashboard", STAFF, "/api/v1/staff/dashboard", api=True),
    Surface("API notifications", STAFF, "/api/v1/notifications", api=True),
    # Open311 GeoReport v2
    Surface("Open311 requests JSON", EVERYONE, "/open311/v2/requests.json"),
    Surface("Open311 requests XML", EVERYONE, "/open311/v2/requests.xml"),
    Surface("Open311 request JSON", EVERYONE, "/open311/v2/requests/{code}.json"),
    Surface("Open311 request XML", EVERYONE, "/open311/v2/requests/{code}.xml"),
    # the sysadmin's Django admin (issue 11 §5)
    Surface("admin audit entries", (SYSADMIN,), "/admin/audit/auditentry/"),
    Surface("admin audit search", (SYSADMIN,), "/admin/audit/auditentry/?q={q}", finds_report=True),
    Surface("admin audit entry", (SYSADMIN,), "/admin/audit/auditentry/{entry}/change/"),
    Surface(
        "admin import records", (SYSADMIN,), "/admin/triage/importrecord/?q={q}", finds_report=True
    ),
]


def _paths(surface: Surface, report: Report) -> list[str]:
    values = {"code": report.code, "month": report.submitted_at.strftime("%Y-%m")}
    paths = [surface.path]
    if "{attachment}" in surface.path:
        paths = [
            p.replace("{attachment}", str(pk))
            for p in paths
            for pk in report.attachments.values_list("pk", flat=True)
        ]
    if "{entry}" in surface.path:  # every audit entry of the report
        paths = [
            p.replace("{entry}", str(pk))
            for p in paths
            for pk in AuditEntry.objects.filter(report_code=report.code).values_list(
                "pk", flat=True
            )
        ]
    if "{q}" in surface.path:
        paths = [p.replace("{q}", quote(q)) for p in paths for q in SEARCHES]
    return [p.format(**values) for p in paths]


# --- the story --------------------------------------------------------------------------------


def _citizen() -> User:
    user = User.objects.create_user(
        username=USERNAME, password=PASSWORD, email=EMAIL, full_name=NAME
    )
    return give_profile(
        user, nik=NIK, full_name=NAME, phone=PHONE, sex="P", birth_date=dt.date(1995, 12, 5)
    )


def _anonymous_report_everywhere(client, cast) -> Report:
    citizen = _citizen()
    client.force_login(citizen)
    photo = SimpleUploadedFile(
        f"KTP_{NAME.replace(' ', '_')}.jpg", _photo(), content_type="image/jpeg"
    )
    response = client.post("/lapor/", _data(_form(client), anonymous="on", attachments=[photo]))
    assert response.status_code == 302, response.content[:500]
    report = Report.objects.get(reporter=citizen)
    assert report.anonymous and report.attachments.count() == 1

    client.force_login(cast.dispatcher)
    office = f"/kantor/laporan/{report.code}/aksi"
    report.refresh_from_db()
    assert (
        client.post(
            f"{office}/disposition/",
            {
                "version": report.version,
                "agency": cast.agency_a.pk,
                "instruction": "Mohon segera ditangani.",
            },
        ).status_code
        == 302
    )
    client.force_login(cast.officer_a)
    for action, data in (
        ("accept", {}),
        ("note", {"text": "Tim sudah meninjau lokasi.", "public": "on"}),
        ("request_info", {"text": "Mohon kirim foto dari sisi lain."}),
    ):
        report.refresh_from_db()
        response = client.post(f"{office}/{action}/", {"version": report.version, **data})
        assert response.status_code == 302, (action, response.content[:300])

    client.force_login(citizen)
    report.refresh_from_db()
    second = SimpleUploadedFile(f"rumah {NAME}.jpg", _photo(), content_type="image/jpeg")
    response = client.post(
        f"/laporan/{report.code}/informasi/",
        {"text": "Ini foto dari sisi utara.", "version": report.version, "attachments": [second]},
    )
    assert response.status_code == 302, response.content[:300]

    client.force_login(cast.officer_a)
    report.refresh_from_db()
    answer = SimpleUploadedFile(
        "berita-acara.pdf", pdf_bytes("Perbaikan selesai"), content_type="application/pdf"
    )
    assert (
        client.post(
            f"{office}/answer/",
            {
                "version": report.version,
                "text": "Jalan sudah ditambal.",
                "attachments": [
                    answer,
                    SimpleUploadedFile("hasil.jpg", photo_bytes(), content_type="image/jpeg"),
                ],
            },
        ).status_code
        == 302
    )
    report.refresh_from_db()
    actions.do_reject_answer(report, actor=citizen, reason="Tambalan sudah retak lagi.")
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.attachments.count() == 4
    return report


def _viewer(cast, who):
    return None if who == PUBLIC else getattr(cast, who)


@pytest.mark.slow  # every surface fetched by every viewer: a crawl, like the admin's
def test_an_anonymous_reporter_is_never_identified_to_agencies_supervisors_or_the_public(
    client, cast, mailoutbox, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    report = _anonymous_report_everywhere(client, cast)
    # What the worker does: deliver the outbox (its scheduling waits for a commit the test's
    # transaction never makes).
    for pk in outbox.due_ids():
        outbox.deliver(pk)

    # The control: the dispatcher's workspace shows who it is, so the strings are the right ones.
    client.force_login(cast.dispatcher)
    control = _text(client.get(f"/kantor/laporan/{report.code}/"))
    assert NAME in control and PHONE in control and EMAIL in control

    leaks, reached = [], set()
    for who in VIEWERS:
        viewer = _viewer(cast, who)
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        api = ApiClient(viewer)
        for surface in SURFACES:
            if who not in surface.who:
                continue
            for path in _paths(surface, report):
                if surface.api:
                    response = api.client.get(path, headers=api.headers)
                else:
                    response = client.get(path, follow=True)
                assert response.status_code < 500, (who, path, response.status_code)
                if response.status_code != 200:
                    continue
                reached.add(surface.name)
                text = _text(response)
                if surface.finds_report:  # the viewer's own query, echoed back, is not a leak
                    for q in SEARCHES:
                        for echo in (q, quote(q), quote_plus(q)):
                            text = text.replace(echo, "")
                found = _leaks(text)
                if surface.finds_report and report.code in text:
                    found.append(f"the report itself, found by {path}")
                if found:
                    leaks.append((who, surface.name, path, found))
    assert not leaks, "\n".join(map(str, leaks))
    # Every surface was really read by someone (a path that 404s for everyone checks nothing).
    assert reached == {s.name for s in SURFACES}, {s.name for s in SURFACES} - reached

    # The files as stored: no EXIF, XMP or comment block, none of the strings.
    for item in Attachment.objects.filter(report=report):
        data = item.file.open("rb").read()
        assert not [s for s in BINARY_SECRETS + [s.encode() for s in SECRETS] if s in data], (
            item.original_name
        )

    # E-mails and notifications to anyone but the reporter (officers, supervisors, heads).
    staff_mail = [m for m in mailoutbox if EMAIL not in m.recipients()]
    assert staff_mail, "the story sent officers e-mail"
    for message in staff_mail:
        assert not _leaks(message.message().as_string()), (message.recipients(), message.subject)
    for note in Notification.objects.exclude(recipient__username=USERNAME).exclude(address=EMAIL):
        assert not _leaks(f"{note.subject}\n{note.body}\n{note.address}"), (
            note.kind,
            note.recipient_id,
        )
    assert len(mail.outbox) == len(mailoutbox)


def test_the_audit_trail_does_not_name_an_anonymous_reporter_nor_find_their_reports_by_user_name(
    client, cast
):
    citizen = _citizen()
    report, _secret = actions.do_file_report(
        reporter=citizen,
        anonymous=True,
        title="Pungutan liar di kantor desa",
        description="Petugas meminta uang untuk surat keterangan.",
        category=None,
    )
    client.force_login(cast.supervisor)
    page = _text(client.get("/kantor/audit/"))
    assert report.code in page and "pelapor (anonim)" in page and not _leaks(page)
    named, _secret = actions.do_file_report(
        reporter=citizen,
        title="Lampu jalan padam",
        description="Gelap sejak seminggu.",
        category=None,
    )
    by_user_name = _text(client.get(f"/kantor/audit/?actor={USERNAME}"))
    assert named.code in by_user_name and report.code not in by_user_name


# --- the identity-bearing file corpus on every upload surface (issue 11 §4) --------------------


def _send_resubmit(client, cast, name, data):
    from tests.conftest import report_in

    report = report_in(cast, Status.RETURNED)
    client.force_login(cast.citizen)
    return client.post(
        f"/laporan/{report.code}/lengkapi/",
        {
            "title": report.title,
            "description": report.description,
            "district": report.district_id,
            "village": report.village_id,
            "version": report.version,
            "text": "Sudah saya lengkapi.",
            "attachments": [SimpleUploadedFile(name, data)],
        },
    )


def _upload_surfaces():
    from tests.test_uploads_hostile import SURFACES as HOSTILE_SURFACES

    surfaces = {key: surface.send for key, surface in HOSTILE_SURFACES.items()}
    surfaces["portal_resubmit"] = lambda client, cast, name, data: (
        _send_resubmit(client, cast, name, data),
    )
    return surfaces


UPLOAD_SURFACES = _upload_surfaces()
# Staff PDFs keep their bytes (the signature of an official letter): the only exception.
STAFF_SURFACES = {"backoffice_answer"}


# Every identifying file on every upload surface (in the everyday loop each file on one surface,
# `tests.cover`), except a staff PDF: an official letter is signed, so it is kept byte for byte
# by design (tests/test_uploads_hostile.py holds that rule).
SURFACE_FILES = every_pair(
    hostile.IDENTITY,
    UPLOAD_SURFACES,
    allowed=lambda name, surface: not (surface in STAFF_SURFACES and name.endswith(".pdf")),
)


@pytest.mark.parametrize(("name", "surface"), SURFACE_FILES)
def test_a_file_that_names_its_author_names_no_one_once_uploaded(
    client, cast, settings, tmp_path, surface, name
):
    """Open311 takes only a `media_url` (never fetched) and SMS no files: no surface to test."""
    from tests.test_file_identity import everything_inside

    settings.MEDIA_ROOT = tmp_path / "media"
    response = UPLOAD_SURFACES[surface](client, cast, name, hostile.IDENTITY[name]())[0]
    assert response.status_code in (200, 201, 302), response.content[:500]
    attachment = Attachment.objects.order_by("-pk").first()
    assert attachment is not None, surface
    report = attachment.report
    if report.agency_id is None:
        actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher, instruction="Cek.")
    downloads = 0
    for viewer in (cast.officer_a, cast.supervisor):
        client.force_login(viewer)
        api = ApiClient(viewer)
        for url, get in (
            (f"/kantor/laporan/{report.code}/lampiran/{attachment.pk}/", client.get),
            (f"/reports/{report.code}/attachments/{attachment.pk}", api.get),
        ):
            got = get(url)
            if got.status_code != 200:
                continue  # not shown to this viewer at all (visibility decides, issue 11 §1)
            body = b"".join(got.streaming_content) if got.streaming else got.content
            text, pictures = everything_inside(name, body)
            for mark in hostile.IDENTITY_MARKS:
                assert mark.encode() not in text, (surface, name, viewer.username, url, mark)
            for picture in pictures:
                assert not Image.open(io.BytesIO(picture)).getexif(), (surface, name, url)
            downloads += 1
    stored, _pictures = everything_inside(name, attachment.file.open("rb").read())
    assert not [m for m in hostile.IDENTITY_MARKS if m.encode() in stored]
    assert downloads or surface == "portal_resubmit"
