"""A browser or phone that agreed to be woken by Web Push for one account (aduan/push/sender.py).

The endpoint (the push service's address for that browser) and its keys are personal data: they
are in the account's download and erased with it (personal_data.py)."""

from django.conf import settings
from django.db import models


class PushSubscription(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    # One browser has one endpoint; a second account signing in on the same phone takes it over.
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)  # the browser's ECDH P-256 public key, base64url
    auth = models.CharField(max_length=40)  # its 16-byte authentication secret, base64url
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # Failed deliveries since the last success (a 404/410 deletes the row instead).
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"push {self.pk} of {self.user_id}"

    def info(self) -> dict:
        """The `subscription_info` pywebpush takes (the browser's PushSubscription.toJSON())."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
