from django.core.management.base import BaseCommand

from aduan.reports import derivatives
from aduan.reports.models import Attachment


class Command(BaseCommand):
    help = (
        "Make the thumbnail and screen-size copies of stored photos (and of their blurred public "
        "copies) that have none yet: photos stored before the copies existed. --again makes them "
        "all again. Safe to run twice and while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--again", action="store_true", help="make every photo's copies again")

    def handle(self, *args, again=False, **options):
        photos = Attachment.objects.filter(content_type__startswith="image/").order_by("id")
        if not again:
            photos = photos.filter(derivatives={})
        made = unreadable = 0
        for photo in photos.iterator(chunk_size=200):
            if derivatives.store_for(photo):
                made += 1
            else:
                unreadable += 1
        self.stdout.write(
            f"{made} photos given their small and screen sizes; {unreadable} unreadable."
        )
