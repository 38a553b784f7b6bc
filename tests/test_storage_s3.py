"""Attachments in S3-compatible object storage, against a real S3 API (moto's server on
127.0.0.1): filed through the portal, stored privately in the bucket, served only through the
app's permission-checked views, and carried by `backup`/`restore` (also from disk to a bucket)."""

import socket
import tarfile
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from aduan import settings as aduan_settings
from aduan.reports import actions
from aduan.reports.models import Attachment, Report
from tests.portal import PDF, give_profile, jpeg_with_gps
from tests.test_settings import STRONG, start

from .conftest import file_report
from .test_web_filing import _data, _form

pytestmark = pytest.mark.slow

ACCESS_KEY, SECRET_KEY = "aduan-uji", "rahasia-uji-s3"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


class Bucket:
    def __init__(self, endpoint):
        self.endpoint, self.name = endpoint, f"aduan-uji-{uuid.uuid4().hex[:12]}"
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="ap-southeast-3",
        )
        self.client.create_bucket(
            Bucket=self.name, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"}
        )

    def env(self) -> dict:
        return {
            "S3_BUCKET": self.name,
            "S3_PREFIX": "lampiran",
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": "ap-southeast-3",
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_ADDRESSING_STYLE": "path",
        }

    def get(self, name: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=f"lampiran/{name}")["Body"].read()

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name).get("Contents", [])
        return sorted(item["Key"] for item in listed)

    def empty(self) -> None:
        for key in self.keys():
            self.client.delete_object(Bucket=self.name, Key=key)


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A new private bucket, and the storage set up from the S3_* variables as settings.py does."""
    bucket = Bucket(s3_endpoint)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": aduan_settings.S3_STORAGE,
            "OPTIONS": aduan_settings.s3_storage_options(bucket.env()),
        },
    }
    return bucket


def _file_anonymously_on_the_portal(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    photo = SimpleUploadedFile("rumah-saya.jpg", jpeg_with_gps(), content_type="image/jpeg")
    document = SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf")
    # What runs once the filing commits runs here too: the files kept while the form was checked
    # (web.pending) leave the store then, so only the report's own objects remain.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/lapor/", _data(_form(client), anonymous="on", attachments=[photo, document])
        )
    assert response.status_code == 302, response.content.decode()[:500]
    return Report.objects.get()


@pytest.mark.django_db
def test_a_filed_attachment_is_a_private_object_served_only_through_the_app(client, cast, bucket):
    report = _file_anonymously_on_the_portal(client, cast)
    photo, document = report.attachments.order_by("id")
    # The photo's thumbnail and screen size (issue 13) are objects of the same store, next to it.
    sizes = [f"{photo.file.name}.{size}.jpg" for size in ("kecil", "layar")]
    assert bucket.keys() == sorted(
        f"lampiran/{name}" for name in [photo.file.name, document.file.name, *sizes]
    )
    stored = bucket.get(photo.file.name)
    assert (
        stored[:3] == b"\xff\xd8\xff" and b"SERIAL-12345" not in stored
    )  # re-encoded before upload
    stored_pdf = bucket.get(document.file.name)  # rewritten without its metadata, still a PDF
    assert stored_pdf.startswith(b"%PDF-") and stored_pdf.rstrip().endswith(b"%%EOF")
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=f"lampiran/{photo.file.name}")[
        "Grants"
    ]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"] and "URI" not in grants[0][
        "Grantee"
    ]
    # Without the keys, the store refuses the object, even with its exact name.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(
            f"{bucket.endpoint}/{bucket.name}/lampiran/{photo.file.name}", timeout=10
        )
    assert refused.value.code == 403

    # The reporter sees the files through the app; the page names no bucket.
    page = client.get(f"/laporan/{report.code}/").content.decode()
    assert f"/laporan/{report.code}/lampiran/{photo.pk}/" in page
    assert (
        bucket.endpoint not in page
        and bucket.name not in page
        and "lampiran/attachments" not in page
    )
    response = client.get(f"/laporan/{report.code}/lampiran/{photo.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored
    api = client.get(f"/api/v1/reports/{report.code}/attachments/{document.pk}")
    assert api.status_code == 200 and b"".join(api.streaming_content) == stored_pdf

    # Anonymous report: its reporter's files are not public. Staff of the agency handling it get
    # them (under a name that does not name the reporter); another agency and the public do not.
    actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher, instruction="Tangani.")
    actions.do_share_evidence(report, actor=cast.dispatcher, shared=[photo.pk])  # need-to-know
    client.force_login(cast.officer_a)
    staff = client.get(f"/kantor/laporan/{report.code}/lampiran/{photo.pk}/")
    assert staff.status_code == 200 and b"".join(staff.streaming_content) == stored
    assert "rumah-saya" not in staff["Content-Disposition"]
    client.force_login(cast.officer_b)
    assert client.get(f"/kantor/laporan/{report.code}/lampiran/{photo.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/laporan/{report.code}/lampiran/{photo.pk}/").status_code == 404


@pytest.mark.django_db
def test_an_object_missing_from_the_bucket_is_a_404_not_a_server_error(client, cast, bucket):
    report = _file_anonymously_on_the_portal(client, cast)
    photo = report.attachments.order_by("id").first()
    bucket.client.delete_object(Bucket=bucket.name, Key=f"lampiran/{photo.file.name}")
    assert client.get(f"/laporan/{report.code}/lampiran/{photo.pk}/").status_code == 404
    assert client.get(f"/api/v1/reports/{report.code}/attachments/{photo.pk}").status_code == 404


def _pdf(name: str, marker: int) -> ContentFile:
    upload = ContentFile(PDF.replace(b"%%EOF", bytes([65 + marker]) * 200 + b"\n%%EOF"), name=name)
    upload.content_type = "application/pdf"
    return upload


def _backup(tmp_path, capsys) -> str:
    call_command("backup", str(tmp_path / "cadangan"))
    return capsys.readouterr().out.strip()


@pytest.mark.django_db(transaction=True)
def test_backup_copies_the_objects_and_restore_puts_them_back_in_the_bucket(
    tx_cast, bucket, tmp_path, capsys, client
):
    reports = [
        file_report(tx_cast, title=f"Laporan {i}", attachments=[_pdf(f"surat-{i}.pdf", i)])
        for i in range(3)
    ]
    before = {a.file.name: bucket.get(a.file.name) for a in Attachment.objects.all()}
    assert len(before) == 3

    archive = _backup(tmp_path, capsys)
    with tarfile.open(archive) as tar:
        inside = {
            m.name.removeprefix("media/"): tar.extractfile(m).read()
            for m in tar.getmembers()
            if m.name.startswith("media/")
        }
    assert inside == before  # the objects themselves, byte for byte

    # An empty instance: tables flushed, bucket emptied.
    call_command("flush", "--noinput")
    bucket.empty()
    call_command("restore", archive)
    assert sorted(Report.objects.values_list("code", flat=True)) == sorted(r.code for r in reports)
    assert bucket.keys() == sorted(f"lampiran/{name}" for name in before)
    for name, content in before.items():
        assert bucket.get(name) == content
    report = Report.objects.get(code=reports[0].code)
    attachment = report.attachments.get()
    client.force_login(report.reporter)
    response = client.get(f"/laporan/{report.code}/lampiran/{attachment.pk}/")
    assert (
        response.status_code == 200
        and b"".join(response.streaming_content) == before[attachment.file.name]
    )


@pytest.mark.django_db(transaction=True)
def test_an_instance_on_disk_moves_its_files_to_a_bucket_by_backup_and_restore(
    tx_cast, s3_endpoint, settings, tmp_path, capsys
):
    settings.MEDIA_ROOT = tmp_path / "media"
    file_report(tx_cast, attachments=[_pdf("surat.pdf", 1)])
    on_disk = {
        a.file.name: (tmp_path / "media" / a.file.name).read_bytes()
        for a in Attachment.objects.all()
    }
    archive = _backup(tmp_path, capsys)

    bucket = Bucket(s3_endpoint)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": aduan_settings.S3_STORAGE,
            "OPTIONS": aduan_settings.s3_storage_options(bucket.env()),
        },
    }
    call_command("restore", archive, "--force")
    assert {name: bucket.get(name) for name in on_disk} == on_disk
    assert Attachment.objects.get().file.read() == next(iter(on_disk.values()))


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_object_is_a_clear_backup_or_restore_error(
    tx_cast, bucket, s3_endpoint, settings, tmp_path, capsys
):
    file_report(tx_cast, attachments=[_pdf("surat.pdf", 2)])
    name = Attachment.objects.get().file.name
    archive = _backup(tmp_path, capsys)
    bucket.client.delete_object(Bucket=bucket.name, Key=f"lampiran/{name}")
    with pytest.raises(CommandError, match=f"Pencadangan gagal: berkas {name} tidak dapat dibaca"):
        call_command("backup", str(tmp_path / "lagi"))
    options = {**bucket.env(), "S3_BUCKET": "ember-yang-tidak-ada"}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": aduan_settings.S3_STORAGE,
            "OPTIONS": aduan_settings.s3_storage_options(options),
        },
    }
    with pytest.raises(
        CommandError, match=f"Pemulihan gagal: berkas {name} tidak dapat dipulihkan"
    ):
        call_command("restore", archive, "--force")


def test_production_refuses_object_storage_without_a_bucket():
    env = {
        "ADUAN_ENV": "production",
        "SECRET_KEY": STRONG,
        "ALLOWED_HOSTS": "aduan.example",
        "STORAGE_BACKEND": "storages.backends.s3.S3Storage",
    }
    refused = start(**env)
    assert refused.returncode != 0 and "S3_BUCKET is not set" in refused.stderr
    assert (
        start(**env, S3_BUCKET="aduan-lampiran", S3_ENDPOINT_URL="http://127.0.0.1:9").returncode
        == 0
    )


def test_the_bucket_settings_come_from_the_environment():
    options = aduan_settings.s3_storage_options(
        {
            "S3_BUCKET": "b",
            "S3_ENDPOINT_URL": "https://s3.example:9000",
            "S3_ADDRESSING_STYLE": "path",
        }
    )
    assert (options["bucket_name"], options["endpoint_url"], options["addressing_style"]) == (
        "b",
        "https://s3.example:9000",
        "path",
    )
    # Private objects, signed short-lived URLs if one were ever made, never an overwrite.
    assert (options["default_acl"], options["querystring_auth"], options["file_overwrite"]) == (
        "private",
        True,
        False,
    )
    assert options["access_key"] is None and options["region_name"] is None  # boto3's own defaults
