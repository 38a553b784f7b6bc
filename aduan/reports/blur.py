"""Blurring regions of a photo for its public version (issue 15): a face, a number plate, a house
number, a school's name on a wall. The regions are fractions of the picture (0 to 1), so they do
not depend on the size the dispatcher saw it at; each is pixelated and then blurred, which no
sharpening brings back. The output is re-encoded like every stored photo, without metadata."""

import io

from django.utils.translation import gettext as _
from PIL import Image, ImageFilter, ImageOps

MAX_REGIONS = 12


def parse_regions(text: str) -> list[tuple[float, float, float, float]]:
    """ "x,y,w,h; x,y,w,h" in percent of the width and height → fractions; ValueError with an
    Indonesian message when it cannot be read."""
    regions = []
    for part in (text or "").replace("\n", ";").split(";"):
        if not part.strip():
            continue
        try:
            x, y, w, h = (float(v) / 100 for v in part.replace(" ", "").split(","))
        except ValueError:
            raise ValueError(
                _("Tulis setiap bagian sebagai x,y,lebar,tinggi dalam persen, dipisah titik koma.")
            ) from None
        if not (0 <= x < 1 and 0 <= y < 1 and 0 < w <= 1 and 0 < h <= 1):
            raise ValueError(_("Setiap bagian harus di dalam foto (0–100 persen)."))
        regions.append((x, y, min(w, 1 - x), min(h, 1 - y)))
    if len(regions) > MAX_REGIONS:
        raise ValueError(_("Paling banyak %(n)s bagian per foto.") % {"n": MAX_REGIONS})
    return regions


def format_regions(regions) -> str:
    """The inverse of `parse_regions`: fractions → "x,y,w,h; x,y,w,h" in percent, as the
    workspace's field shows a photo's saved regions (`blurred_regions`) to edit them again."""
    return "; ".join(",".join(f"{v * 100:.4g}" for v in region) for region in regions)


def blurred(data: bytes, regions) -> tuple[bytes, str]:
    """The photo with each region pixelated and blurred; (bytes, content type)."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    image = image.convert("RGB")
    width, height = image.size
    for x, y, w, h in regions:
        box = (
            int(x * width),
            int(y * height),
            max(int((x + w) * width), int(x * width) + 1),
            max(int((y + h) * height), int(y * height) + 1),
        )
        part = image.crop(box)
        small = part.resize(
            (max(1, part.width // 24), max(1, part.height // 24)), Image.Resampling.BILINEAR
        )
        part = small.resize(part.size, Image.Resampling.NEAREST).filter(
            ImageFilter.GaussianBlur(radius=max(4, min(part.size) // 8))
        )
        image.paste(part, box)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue(), "image/jpeg"
