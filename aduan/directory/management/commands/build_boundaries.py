import json
from pathlib import Path

from django.core.management.base import BaseCommand

from aduan.directory import boundaries


class Command(BaseCommand):
    help = (
        "Simplify the kecamatan/desa boundaries (GeoJSON) into the file the maps and "
        "`geo.locate` ship with (aduan/directory/static/directory/boundaries-52.04.geojson)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source", help="e.g. ../shared/data/wilayah/sumbawa_5204_boundaries.geojson"
        )
        parser.add_argument("--tolerance", type=float, default=boundaries.DEFAULT_TOLERANCE)

    def handle(self, *args, source, tolerance, **options):
        collection = boundaries.build(json.loads(Path(source).read_text("utf-8")), tolerance)
        size = boundaries.write(collection)
        self.stdout.write(
            f"{len(collection['features'])} wilayah, {size:,} bytes → {boundaries.SHIPPED}\n"
        )
