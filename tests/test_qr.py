"""The server's QR codes (aduan/core/qr.py): the same pixels qrcode draws for the same modules,
at the size the pages and e-mails show."""

import io

import qrcode
from PIL import Image

from aduan.core import qr

URL = "https://aduan.example/tanda-terima/periksa/?r=ADUAN1.eyJ2IjoxfQ.c2lnbmF0dXJl" + "x" * 300


def test_it_draws_the_pixels_qrcode_draws_for_the_same_modules():
    code = qrcode.QRCode(border=qr.BORDER, box_size=qr.BOX, mask_pattern=qr.MASK)
    code.add_data(URL)
    code.make(fit=True)
    theirs = io.BytesIO()
    code.make_image().save(theirs, format="PNG")
    reference = Image.open(theirs).convert("1")
    ours = Image.open(io.BytesIO(qr.png(URL))).convert("1")
    assert ours.size == reference.size == ((len(code.get_matrix())) * qr.BOX,) * 2
    assert ours.tobytes() == reference.tobytes()


def test_it_keeps_a_quiet_zone_and_dark_finder_patterns():
    modules = qr.matrix(URL)
    image = Image.open(io.BytesIO(qr.png(URL))).convert("L")
    assert not any(modules[0]) and not any(row[0] for row in modules)  # the quiet zone
    corner = qr.BORDER * qr.BOX  # the top-left finder pattern's dark corner
    assert image.getpixel((corner, corner)) == 0 and image.getpixel((0, 0)) == 255


def test_the_data_uri_is_a_png():
    assert qr.png_data_uri(URL).startswith("data:image/png;base64,iVBORw0KGgo")
