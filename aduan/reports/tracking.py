"""The tracking secret: what lets a reporter without an account follow their report by its code.

It is shown once, when the report is filed (on screen, by SMS or e-mail), and only its salted
HMAC is stored, so a copy of the database does not open anyone's report.
"""

import hmac
import secrets

from django.utils.crypto import salted_hmac

from .models import CODE_ALPHABET

SECRET_LENGTH = 8


def new_secret() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(SECRET_LENGTH))


def secret_hash(code: str, secret: str) -> str:
    return salted_hmac(
        "aduan.reports.secret", f"{code}:{secret.upper()}", algorithm="sha256"
    ).hexdigest()


def check_secret(report, secret: str) -> bool:
    return hmac.compare_digest(report.secret_hash, secret_hash(report.code, secret.strip()))
