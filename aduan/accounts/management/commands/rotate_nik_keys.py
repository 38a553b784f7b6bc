from django.core.management.base import BaseCommand

from aduan.accounts import nik as niks
from aduan.accounts.models import User


class Command(BaseCommand):
    help = "Re-encrypt every stored NIK with the first key of NIK_ENCRYPTION_KEYS (after rotating keys)."

    def handle(self, *args, **options):
        count = 0
        for user in User.objects.exclude(nik_encrypted="").only("pk", "nik_encrypted").iterator():
            User.objects.filter(pk=user.pk).update(nik_encrypted=niks.rotate(user.nik_encrypted))
            count += 1
        self.stdout.write(f"{count} NIK re-encrypted")
