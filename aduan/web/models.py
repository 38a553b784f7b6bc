"""One-time tokens of the filing form: a double click or a resubmitted form never files twice."""

import secrets

from django.conf import settings
from django.db import models


def new_token() -> str:
    return secrets.token_urlsafe(24)


class FilingToken(models.Model):
    """Issued with each filing form; the first POST that carries it files the report and records
    it here, in the same transaction. A second POST with the same token finds the report and
    shows it instead of filing again."""

    token = models.CharField(max_length=64, unique=True, default=new_token)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id} {self.token[:6]}…"
