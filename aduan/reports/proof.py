"""Proof of a fix (issue 15): a "done" answer to a report of a physical category carries a photo of
the result, and the photo's own capture time and place (read from its EXIF before it was stripped,
`attachments.read_capture`) are checked against the report. What looks wrong is flagged to the
dispatcher, never refused: an honest officer's phone may have no GPS, and the dispatcher decides.

Called by `actions.do_answer` only; the flags are stored on the attachment and shown to staff.
"""

import math

from django.utils.translation import gettext_lazy as _

from aduan.directory import geo

# How far from the reported point a result photo may be taken. A phone's GPS is good to tens of
# metres outdoors; a road repair or a drain runs along a street: 500 m covers the stretch without
# letting a photo of another desa pass.
MAX_DISTANCE_M = 500

TAKEN_BEFORE_REPORT = "taken_before_report"
FAR_FROM_PLACE = "far_from_place"
OUTSIDE_VILLAGE = "outside_village"
NO_CAPTURE_TIME = "no_capture_time"
NO_POSITION = "no_position"

FLAGS = {
    TAKEN_BEFORE_REPORT: _("Foto diambil sebelum laporan dikirim"),
    FAR_FROM_PLACE: _("Foto diambil lebih dari 500 m dari lokasi laporan"),
    OUTSIDE_VILLAGE: _("Foto diambil di luar desa/kelurahan laporan"),
    NO_CAPTURE_TIME: _("Foto tanpa waktu pengambilan"),
    NO_POSITION: _("Foto tanpa lokasi GPS"),
}
# The flags that tell the dispatcher at once; the others only mark the photo (forwarded photos and
# phones without GPS are common, and an alert for each would be ignored).
ALERTING = (TAKEN_BEFORE_REPORT, FAR_FROM_PLACE, OUTSIDE_VILLAGE)


def is_photo(upload) -> bool:
    return str(getattr(upload, "content_type", "")).startswith("image/")


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    radius = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


def flags_for(report, attachment) -> list[str]:
    """Why this result photo needs a look, in the order of `FLAGS`:
    1. taken before the report was filed (the photo of another day's work, or of the damage);
    2. taken more than MAX_DISTANCE_M from the reported point, or, when the reporter gave no point,
       outside the boundary of the report's desa;
    3. no capture time, no position: nothing to check, said so."""
    flags = []
    if attachment.captured_at is None:
        flags.append(NO_CAPTURE_TIME)
    elif attachment.captured_at < report.submitted_at:
        flags.append(TAKEN_BEFORE_REPORT)
    if attachment.captured_latitude is None or attachment.captured_longitude is None:
        flags.append(NO_POSITION)
    else:
        lat, lon = float(attachment.captured_latitude), float(attachment.captured_longitude)
        if report.latitude is not None and report.longitude is not None:
            far = distance_m(lat, lon, float(report.latitude), float(report.longitude))
            if far > MAX_DISTANCE_M:
                flags.append(FAR_FROM_PLACE)
        elif report.village_id and geo.village_contains(report.village_id, lat, lon) is False:
            flags.append(OUTSIDE_VILLAGE)
    return [flag for flag in FLAGS if flag in flags]


def labels(flags) -> list[str]:
    return [str(FLAGS[flag]) for flag in flags if flag in FLAGS]


def before_and_after(report, visible: list) -> tuple[list, list]:
    """The public page's "Sebelum dan sesudah" (issue 15): among the attachments `viewer` may see
    (`visible`, already decided by visibility), the reporter's photos (filed or completed) and
    the photos of the agency's latest "done" answer. Empty lists when there is no done answer."""
    from .models import AnswerOutcome, EventKind

    answered = (
        report.events.filter(kind=EventKind.ANSWERED, data__outcome=AnswerOutcome.DONE)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if answered is None:
        return [], []
    reporters = set(
        report.events.filter(kind__in=(EventKind.SUBMITTED, EventKind.RESUBMITTED)).values_list(
            "pk", flat=True
        )
    )
    photos = [item for item in visible if is_photo(item)]
    before = [item for item in photos if item.event_id in reporters]
    after = [item for item in photos if item.event_id == answered]
    return (before, after) if after else ([], [])
