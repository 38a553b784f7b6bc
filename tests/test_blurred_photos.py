"""The public version of a photo (issue 15): the regions the dispatcher blurs are blurred in what
everyone who is no party gets (public page, API), while the reporter and staff keep the original."""

import io
import re

import pytest
from PIL import Image

from aduan.reports import actions, blur, errors
from aduan.reports.models import Status
from tests.api.conftest import ApiClient
from tests.conftest import report_in

pytestmark = pytest.mark.django_db


def face_photo(name="wajah.jpg"):
    """A photo whose left half is a sharp checkerboard (the 'face') and right half plain."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aduan.reports import attachments

    image = Image.new("RGB", (400, 200), "white")
    for x in range(0, 200, 10):
        for y in range(0, 200, 10):
            if (x // 10 + y // 10) % 2:
                image.paste((0, 0, 0), (x, y, x + 10, y + 10))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    return attachments.clean_upload(
        SimpleUploadedFile(name, out.getvalue(), "image/jpeg")
    ).as_file()


def contrast(data: bytes, box) -> int:
    region = Image.open(io.BytesIO(data)).convert("L").crop(box)
    low, high = region.getextrema()
    return high - low


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_public_gets_the_blurred_copy_and_the_parties_the_original(client, cast):
    report = report_in(cast, Status.IN_PROGRESS, attachments=[face_photo()])
    photo = report.attachments.get()
    actions.do_blur_photo(
        report, actor=cast.dispatcher, attachment=photo.pk, regions=[(0, 0, 0.5, 1)]
    )
    url = f"/laporan/{report.code}/lampiran/{photo.pk}/"
    public = body(client.get(url))
    assert contrast(public, (20, 20, 180, 180)) < 60  # the checkerboard is gone
    client.force_login(cast.citizen)
    assert contrast(body(client.get(url)), (20, 20, 180, 180)) > 200  # the reporter's original
    client.force_login(cast.officer_a)
    staff = body(client.get(f"/kantor/laporan/{report.code}/lampiran/{photo.pk}/"))
    assert contrast(staff, (20, 20, 180, 180)) > 200
    api = ApiClient(cast.other_citizen).get(f"/reports/{report.code}/attachments/{photo.pk}")
    assert contrast(body(api), (20, 20, 180, 180)) < 60
    event = report.events.filter(kind="public_edited").last()
    assert event.audience == "internal" and event.data == {"blurred": photo.pk, "regions": 1}

    # No regions: the public gets the photo whole again.
    actions.do_blur_photo(report, actor=cast.dispatcher, attachment=photo.pk, regions=[])
    client.logout()
    assert contrast(body(client.get(url)), (20, 20, 180, 180)) > 200


def test_only_the_dispatcher_blurs_and_only_this_reports_photos(cast):
    report = report_in(cast, Status.IN_PROGRESS, attachments=[face_photo()])
    other = report_in(cast, Status.IN_PROGRESS, attachments=[face_photo()])
    with pytest.raises(errors.NotPermitted):
        actions.do_blur_photo(
            report,
            actor=cast.officer_a,
            attachment=report.attachments.get().pk,
            regions=[(0, 0, 1, 1)],
        )
    with pytest.raises(errors.InvalidInput):
        actions.do_blur_photo(
            report,
            actor=cast.dispatcher,
            attachment=other.attachments.get().pk,
            regions=[(0, 0, 1, 1)],
        )


def test_the_workspace_form_reads_percent_regions_and_says_what_is_wrong(client, cast):
    report = report_in(cast, Status.IN_PROGRESS, attachments=[face_photo()])
    photo = report.attachments.get()
    client.force_login(cast.dispatcher)
    bad = client.post(
        f"/kantor/laporan/{report.code}/aksi/edit_public/",
        {"version": report.version, "photo": photo.pk, "regions": "10,10,abc"},
    )
    assert bad.status_code == 422 and "x,y,lebar,tinggi" in bad.content.decode()
    good = client.post(
        f"/kantor/laporan/{report.code}/aksi/edit_public/",
        {"version": report.version, "photo": photo.pk, "regions": "0,0,50,100"},
    )
    assert good.status_code == 302
    photo.refresh_from_db()
    assert photo.blurred_file and photo.blurred_regions == [[0.0, 0.0, 0.5, 1.0]]
    assert (
        "dikaburkan untuk publik" in client.get(f"/kantor/laporan/{report.code}/").content.decode()
    )


def test_regions_outside_the_photo_are_refused():
    with pytest.raises(ValueError):
        blur.parse_regions("90,90,20,20; 120,0,10,10")
    assert blur.parse_regions("90,90,20,20") == [(0.9, 0.9, pytest.approx(0.1), pytest.approx(0.1))]


def test_the_form_shows_each_photo_with_its_saved_regions_to_draw_on(client, cast):
    """The drawing area (backoffice/blur.js) gets each photo from the staff original's URL and its
    saved regions in the field's own format; it is hidden until the script shows it, and the
    percent field stays in the form as the way without JavaScript."""
    report = report_in(cast, Status.IN_PROGRESS, attachments=[face_photo(), face_photo("b.jpg")])
    first, second = report.attachments.order_by("id")
    actions.do_blur_photo(
        report, actor=cast.dispatcher, attachment=first.pk, regions=[(0, 0.1, 0.5, 0.25)]
    )
    client.force_login(cast.dispatcher)
    page = client.get(f"/kantor/laporan/{report.code}/").content.decode()
    assert re.search(r'<div class="blur-editor"[^>]*\shidden>', page)
    assert re.search(r'<script src="[^"]*backoffice/blur\.[^"]*js" defer>', page)
    for photo, regions in ((first, "0,10,50,25"), (second, "")):
        assert re.search(rf'data-photo="{photo.pk}"\s+data-regions="{regions}"', page)
        assert f'src="/kantor/laporan/{report.code}/lampiran/{photo.pk}/?ukuran=layar"' in page
    assert 'name="regions"' in page
    assert blur.parse_regions(blur.format_regions([(0, 0.1, 0.5, 0.25)])) == [
        (0, pytest.approx(0.1), 0.5, 0.25)
    ]
