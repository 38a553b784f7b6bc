"""Smaller copies of a stored photo (issue 13): a thumbnail for lists and previews and a screen
size for report pages, so that a phone on a slow line does not fetch a camera-size photo to show
it 160 px wide. They are made once, when a photo is stored (`actions._core._attach`) or blurred for
the public (`actions.do_blur_photo`), or afterwards by `manage.py make_derivatives`; they are
written through the storage that holds the original (local disk or S3), next to it, under a name
derived from the original's (`derivative_name`), so nothing else needs to remember where they are.

Which copy a viewer gets is decided where the original is: `visibility.visible_attachment`
chooses the original or the blurred public copy, and then the size of that same file."""

import io
import logging

from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# ?ukuran=<size> → the longest side in pixels.
SIZES = {"kecil": 320, "layar": 1280}
QUALITY = {"kecil": 72, "layar": 80}
CONTENT_TYPE = "image/jpeg"


def derivative_name(name: str, size: str) -> str:
    """`attachments/12/3f…9a` → `attachments/12/3f…9a.kecil.jpg`: deterministic, and as unguessable
    as the original's random name."""
    return f"{name}.{size}.jpg"


def _encoded(image: Image.Image, size: str) -> tuple[bytes, tuple[int, int]]:
    copy = image.copy()
    copy.thumbnail((SIZES[size], SIZES[size]), Image.Resampling.LANCZOS)
    if copy.mode in ("RGBA", "LA") or "transparency" in copy.info:
        flat = Image.new("RGB", copy.size, "white")  # a screenshot's transparency on white
        flat.paste(copy.convert("RGBA"), mask=copy.convert("RGBA").getchannel("A"))
    else:
        flat = Image.new("RGB", copy.size)  # a fresh image: no metadata comes along
        flat.paste(copy.convert("RGB"))
    out = io.BytesIO()
    flat.save(out, format="JPEG", quality=QUALITY[size], optimize=True, progressive=True)
    return out.getvalue(), flat.size


def store(field_file: FieldFile) -> dict[str, list[int]]:
    """Write the derivatives of a stored photo; {size: [width, height]}, empty when the file
    cannot be read as an image (then the original is served for every size)."""
    storage, stored_name = field_file.storage, field_file.name
    if not stored_name:
        return {}
    try:
        with storage.open(stored_name, "rb") as handle:
            image: Image.Image = Image.open(io.BytesIO(handle.read()))
            image = ImageOps.exif_transpose(image)  # stored photos have none; older ones might
            image.load()
    except (FileNotFoundError, UnidentifiedImageError, OSError, ValueError):
        logger.warning("no derivatives for %s: not a readable image", field_file.name)
        return {}
    made = {}
    for size in SIZES:
        data, dimensions = _encoded(image, size)
        name = derivative_name(stored_name, size)
        if storage.exists(name):  # made again (the backfill with --again): same name, new bytes
            storage.delete(name)
        saved = storage.save(name, io.BytesIO(data))
        assert saved == name, (saved, name)  # the name is what finds it again
        made[size] = list(dimensions)
    return made


def remove(storage, name: str) -> None:
    """The derivatives go with their original (a replaced blurred copy, a deleted attachment)."""
    if not name:
        return
    for size in SIZES:
        storage.delete(derivative_name(name, size))


def sized(field_file: FieldFile, size: str) -> FieldFile:
    """The derivative `size` of a stored file, as a FieldFile of the same storage (opened by
    `attachments.open_stored` like the original)."""
    name = derivative_name(field_file.name or "", size)
    return FieldFile(field_file.instance, field_file.field, name)


def store_for(attachment) -> bool:
    """Derivatives of an image attachment and of its blurred public copy; saves the dimensions
    (the same for both: blurring keeps the size). False for a file that is no image."""
    if not attachment.content_type.startswith("image/"):
        return False
    made = store(attachment.file)
    if made and attachment.blurred_file:
        store(attachment.blurred_file)
    attachment.derivatives = made
    attachment.save(update_fields=["derivatives"])
    return bool(made)
