"""A photo's thumbnail and screen size (issue 13): made once when stored, through the storage;
served by the same view and the same visibility rule as the original (`?ukuran=kecil|layar`);
pages load them; the backfill command makes them for photos stored before."""

import functools
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from PIL import Image

from aduan.reports import actions, attachments, derivatives
from aduan.reports.models import Attachment, Status
from tests.conftest import file_report, report_in
from tests.test_blurred_photos import contrast, face_photo

pytestmark = pytest.mark.django_db


@functools.cache
def _camera_jpeg() -> bytes:
    """A 4000×3000 photo with detail, as a phone camera writes it (made once: a second each)."""
    image = Image.effect_noise((4000, 3000), 60).convert("RGB")
    image = Image.merge("RGB", (image.getchannel(0), image.getchannel(0), image.getchannel(0)))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()


def camera_photo() -> object:
    """The camera photo, cleaned as an upload is."""
    upload = SimpleUploadedFile("kamera.jpg", _camera_jpeg(), content_type="image/jpeg")
    return attachments.clean_upload(upload).as_file()


def _get(client, report, photo, size=""):
    url = f"/laporan/{report.code}/lampiran/{photo.pk}/" + (f"?ukuran={size}" if size else "")
    return client.get(url)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_it_stores_a_thumbnail_and_a_screen_size_of_a_camera_photo(cast):
    report = file_report(cast, attachments=[camera_photo()])
    photo = report.attachments.get()
    assert photo.derivatives == {"kecil": [320, 240], "layar": [1280, 960]}
    for size, side in derivatives.SIZES.items():
        name = derivatives.derivative_name(photo.file.name, size)
        assert name.startswith(photo.file.name)  # next to the original, found by its name
        with default_storage.open(name) as handle:
            data = handle.read()
        assert max(Image.open(io.BytesIO(data)).size) == side
        if size == "kecil":
            assert len(data) < 40 * 1024, len(data)
    assert default_storage.size(photo.file.name) > 500 * 1024  # the original stays whole


def test_the_public_gets_the_thumbnail_with_the_originals_rule(cast):
    report = report_in(cast, Status.IN_PROGRESS, attachments=[camera_photo()])
    photo = report.attachments.get()
    response = _get(Client(), report, photo, "kecil")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(_body(response))).size == (320, 240)
    screen = _body(_get(Client(), report, photo, "layar"))
    assert Image.open(io.BytesIO(screen)).size == (1280, 960)
    assert _get(Client(), report, photo, "raksasa").status_code == 404


def test_a_stranger_cannot_fetch_a_confidential_reports_thumbnail(cast):
    report = report_in(cast, Status.IN_PROGRESS, confidential=True, attachments=[face_photo()])
    photo = report.attachments.get()
    stranger = Client()
    stranger.force_login(cast.other_citizen)
    for size in ("", "kecil", "layar"):
        assert _get(stranger, report, photo, size).status_code == 404
        assert _get(Client(), report, photo, size).status_code == 404
    owner = Client()
    owner.force_login(cast.citizen)
    assert _get(owner, report, photo, "kecil").status_code == 200


def test_the_public_gets_the_blurred_derivative_when_the_photo_is_blurred(cast):
    report = report_in(cast, Status.IN_PROGRESS, attachments=[face_photo()])
    photo = report.attachments.get()
    actions.do_blur_photo(
        report, actor=cast.dispatcher, attachment=photo.pk, regions=[(0, 0, 0.5, 1)]
    )
    photo.refresh_from_db()
    public = Image.open(io.BytesIO(_body(_get(Client(), report, photo, "layar"))))
    # face_photo() is 400×200: the screen size is the photo's own size; its left half is blurred
    assert public.size == (400, 200)
    assert contrast(_body(_get(Client(), report, photo, "layar")), (20, 20, 180, 180)) < 60
    owner = Client()
    owner.force_login(cast.citizen)
    assert contrast(_body(_get(owner, report, photo, "layar")), (20, 20, 180, 180)) > 200
    for size in derivatives.SIZES:
        assert default_storage.exists(derivatives.derivative_name(photo.blurred_file.name, size))


def test_the_old_blurred_copys_derivatives_go_with_it(cast, django_capture_on_commit_callbacks):
    report = report_in(cast, Status.IN_PROGRESS, attachments=[face_photo()])
    photo = report.attachments.get()
    actions.do_blur_photo(
        report, actor=cast.dispatcher, attachment=photo.pk, regions=[(0, 0, 0.5, 1)]
    )
    photo.refresh_from_db()
    old = photo.blurred_file.name
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_blur_photo(report, actor=cast.dispatcher, attachment=photo.pk, regions=[])
    assert not default_storage.exists(old)
    assert not any(
        default_storage.exists(derivatives.derivative_name(old, size)) for size in derivatives.SIZES
    )


def test_the_report_page_loads_the_derivatives(cast):
    report = report_in(cast, Status.RESPONDED, attachments=[camera_photo()])
    photo = report.attachments.filter(from_reporter=True).get()
    owner = Client()
    owner.force_login(cast.citizen)
    page = owner.get(f"/laporan/{report.code}/").content.decode()
    base = f"/laporan/{report.code}/lampiran/{photo.pk}/"
    assert f'src="{base}?ukuran=kecil"' in page
    assert 'width="320"' in page and 'height="240"' in page
    assert f'src="{base}?ukuran=layar"' in page  # before and after, on the report's page
    assert f'href="{base}"' in page  # the link to the original
    assert f'src="{base}"' not in page  # never the camera-size photo in an <img>


def test_the_backfill_makes_derivatives_for_photos_stored_before(cast):
    report = report_in(cast, Status.IN_PROGRESS, attachments=[camera_photo()])
    photo = report.attachments.get()
    derivatives.remove(default_storage, photo.file.name)
    Attachment.objects.filter(pk=photo.pk).update(derivatives={})
    out = io.StringIO()
    call_command("make_derivatives", stdout=out)
    photo.refresh_from_db()
    assert photo.derivatives == {"kecil": [320, 240], "layar": [1280, 960]}
    assert default_storage.exists(derivatives.derivative_name(photo.file.name, "kecil"))
    assert out.getvalue().startswith("1 photos")
    out = io.StringIO()
    call_command("make_derivatives", stdout=out)  # nothing left to do
    assert out.getvalue().startswith("0 photos")
