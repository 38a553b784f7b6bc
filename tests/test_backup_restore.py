"""`backup` then `restore` into an emptied instance finds every report and every file."""

import io
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from aduan.reports.models import Attachment, Report

from .conftest import file_report

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def upload(name, content):
    f = ContentFile(content, name=name)
    f.content_type = "application/pdf"
    return f


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_it_restores_every_report_and_file_into_an_empty_instance(tx_cast, media, tmp_path, capsys):
    reports = [
        file_report(
            tx_cast,
            title=f"Laporan {i}",
            attachments=[upload(f"surat-{i}.pdf", b"%PDF-1.4 " + bytes([i]) * 500)],
        )
        for i in range(3)
    ]
    files = {a.file.name: a.file.read() for a in Attachment.objects.all()}
    assert len(files) == 3

    call_command("backup", str(tmp_path / "backups"))
    archive = capsys.readouterr().out.strip()
    with tarfile.open(archive) as tar:
        assert "manifest.json" in tar.getnames()

    # A new, empty instance: tables flushed, files gone.
    call_command("flush", "--noinput")
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    assert not Report.objects.exists()

    call_command("restore", archive)
    assert sorted(Report.objects.values_list("code", flat=True)) == sorted(r.code for r in reports)
    for attachment in Attachment.objects.all():
        assert attachment.file.read() == files[attachment.file.name]


def test_it_refuses_to_overwrite_an_instance_with_reports(tx_cast, media, tmp_path, capsys):
    file_report(tx_cast)
    call_command("backup", str(tmp_path))
    archive = capsys.readouterr().out.strip()
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", archive)


def test_it_refuses_a_damaged_archive(tx_cast, media, tmp_path, capsys):
    file_report(tx_cast, attachments=[upload("a.pdf", b"%PDF-1.4 isi")])
    call_command("backup", str(tmp_path / "b"))
    archive = capsys.readouterr().out.strip()
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("media/"):
                data = b"diubah"
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    call_command("flush", "--noinput")
    with pytest.raises(CommandError, match="rusak"):
        call_command("restore", str(damaged))
