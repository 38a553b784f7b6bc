"""How good the recorded suggestions were, against what the dispatcher chose: the agency of the
first disposition made after the suggestion was shown."""

from collections import defaultdict

from aduan.reports.models import Disposition

from .models import SuggestionRecord


def production_accuracy() -> dict:
    records = SuggestionRecord.objects.select_related("model").order_by("created_at")
    firsts = {}
    for report_id, agency_code, created_at in (
        Disposition.objects.filter(report__suggestions__isnull=False)
        .order_by("created_at")
        .values_list("report_id", "agency__code", "created_at")
    ):
        firsts.setdefault(report_id, []).append((created_at, agency_code))
    by_version = defaultdict(
        lambda: {"shown": 0, "decided": 0, "abstained": 0, "top1": 0, "top3": 0}
    )
    for record in records:
        figures = by_version[record.model.version]
        figures["shown"] += 1
        chosen = next(
            (code for at, code in firsts.get(record.report_id, []) if at >= record.created_at), None
        )
        if chosen is None:
            continue
        figures["decided"] += 1
        if record.abstained:
            figures["abstained"] += 1
            continue
        codes = [code for code, _c in record.agencies]
        figures["top1"] += bool(codes) and codes[0] == chosen
        figures["top3"] += chosen in codes[:3]
    result = {}
    for version, f in sorted(by_version.items()):
        answered = f["decided"] - f["abstained"]
        result[f"v{version}"] = {
            **f,
            "precision_top1": round(f["top1"] / answered, 4) if answered else None,
            "hit_rate_top3": round(f["top3"] / answered, 4) if answered else None,
        }
    return result
