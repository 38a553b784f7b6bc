"""The public proof pages (issue 17): the audit chain's signed daily heads with the public key,
and the verification of a filing receipt. No log-in: anyone (a reporter, a journalist, the
Ombudsman) checks the regency's record without asking it."""

from django.http import JsonResponse
from django.shortcuts import render

from aduan.audit import signing
from aduan.audit.models import SignedHead
from aduan.reports import receipts

SHOWN_HEADS = 60
PUBLISHED_HEADS = 400


def _public_key() -> dict:
    if not signing.available():
        return {}
    key = signing.public_key()
    return {"public_key": key, "key_id": signing.key_id(key)}


def audit_heads(request):
    heads = list(SignedHead.objects.all()[:SHOWN_HEADS])
    return render(
        request,
        "web/proof_heads.html",
        {"heads": heads, "latest": heads[0] if heads else None, **_public_key()},
    )


def audit_heads_json(request):
    """Every published head with the exact statement and signature, to check offline with any
    Ed25519 library: verify(public_key, statement as UTF-8, base64-decoded signature)."""
    rows = SignedHead.objects.all()[:PUBLISHED_HEADS]
    return JsonResponse(
        {
            **_public_key(),
            "algorithm": "Ed25519",
            "heads": [
                {
                    "signed_at": h.signed_at.isoformat(),
                    "entries": h.entry_count,
                    "digest": h.digest,
                    "statement": h.statement,
                    "signature": h.signature,
                    "public_key": h.public_key,
                    "key_id": h.key_id,
                }
                for h in rows
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def verify_receipt(request):
    text = (request.GET.get("r") or "").strip()[:4000]
    verdict = receipts.check(text) if text else None
    return render(
        request,
        "web/proof_verify.html",
        {"text": text, "verdict": verdict, **_public_key()},
        status=200,
    )
