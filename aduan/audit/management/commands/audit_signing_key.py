import base64

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand

from aduan.audit import signing


class Command(BaseCommand):
    help = "Print a new Ed25519 key for AUDIT_SIGNING_KEY and its public key (nothing is stored)."

    def handle(self, *args, **options):
        private = signing.new_private_key()
        public_raw = (
            Ed25519PrivateKey.from_private_bytes(base64.b64decode(private))
            .public_key()
            .public_bytes_raw()
        )
        public = base64.b64encode(public_raw).decode()
        self.stdout.write(f"AUDIT_SIGNING_KEY={private}")
        self.stdout.write(f"# public key {public} (id {signing.key_id(public)})")
