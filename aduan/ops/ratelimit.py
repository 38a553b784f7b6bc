"""Rate limits for every channel that files or writes: who may send how much, and how long to wait.

Counters are fixed windows in the default cache (Redis when REDIS_URL is set, so that every app
server counts together; per process otherwise). Callers: the portal's filing and follow-up views
(`aduan.web.throttle`), the API guard and its report creation, Open311 POST, the SMS webhook.

1. A counter's key names the scope, a keyed hash of the identity (no phone number or address in
   Redis in clear) and the number of the window; a new window is a new key, so nothing is reset.
2. Counting is one atomic step: a MULTI/EXEC of INCR and EXPIRE on Redis; `add` then `incr`
   elsewhere (both atomic in the local-memory cache).
3. Over the limit, the caller gets the seconds until the window ends (for `Retry-After`).
4. If the cache cannot be reached, the request passes (logged): a complaint is never refused
   because Redis is down.
"""

import dataclasses
import hashlib
import ipaddress
import logging
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

log = logging.getLogger(__name__)

MINUTE, HOUR = 60, 3600


@dataclasses.dataclass(frozen=True)
class Rule:
    """At most `limit` events per `window` seconds for one identity in one scope (0: no limit)."""

    scope: str
    identity: str
    limit: int
    window: int


@dataclasses.dataclass(frozen=True)
class Refusal:
    scope: str
    retry_after: int  # whole seconds, at least 1
    window_ends: int  # epoch second at which the counter starts afresh

    def wait_text(self) -> str:
        return wait_text(self.retry_after)


def hit(rule: Rule, *, now: float | None = None) -> Refusal | None:
    """Count one event; a Refusal when it is over the limit."""
    if rule.limit <= 0:
        return None
    now = time.time() if now is None else now
    window_number = int(now // rule.window)
    key = f"rl:{rule.scope}:{_digest(rule.identity)}:{window_number}"
    try:
        count = _increment(key, rule.window + 60)
    except Exception:
        log.exception("rate limit counter %s unavailable; not limiting", rule.scope)
        return None
    if count <= rule.limit:
        return None
    window_ends = (window_number + 1) * rule.window
    return Refusal(rule.scope, max(1, math.ceil(window_ends - now)), window_ends)


def first_refusal(*rules: Rule) -> Refusal | None:
    """Count the rules in order and stop at the first that refuses, so that an account that is
    already refused does not also use up the budget of the address it shares with others."""
    for rule in rules:
        refusal = hit(rule)
        if refusal is not None:
            return refusal
    return None


def _increment(key: str, ttl: int) -> int:
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # Django's RedisCache.incr checks EXISTS then INCRs: a key expiring in between would be
        # recreated without a TTL. One transaction of INCR and EXPIRE has no such gap.
        full_key = cache.make_and_validate_key(key)
        pipeline = cache._cache.get_client(full_key, write=True).pipeline(transaction=True)
        pipeline.incr(full_key)
        pipeline.expire(full_key, ttl)
        return int(pipeline.execute()[0])
    for _attempt in range(3):
        cache.add(key, 0, ttl)
        try:
            return cache.incr(key)
        except ValueError:  # expired or evicted between add and incr: create it again
            continue
    return 1


def _digest(identity: str) -> str:
    return hashlib.blake2b(
        identity.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16
    ).hexdigest()


def wait_text(seconds: int) -> str:
    """ "45 detik", "3 menit": how long the citizen waits, rounded up to whole minutes from 60 s."""
    if seconds < MINUTE:
        return ngettext("%(n)s detik", "%(n)s detik", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / MINUTE)
    return ngettext("%(n)s menit", "%(n)s menit", minutes) % {"n": minutes}


# --- who is calling --------------------------------------------------------------------------


def client_ip(request) -> str:
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies of ours (nginx, a load balancer)
    it is the entry that the outermost of them appended to X-Forwarded-For, counted from the
    right; whatever a client wrote to the left of it is ignored. With no trusted proxy (the
    default) the header is not read at all: anyone can send one."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= count and _valid_ip(forwarded[-count]):
            return forwarded[-count]
    return remote


def address_identity(request) -> str:
    """The address as rate limits count it: an IPv6 client owns a whole /64, so it is one."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"ip:{address}"
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        return f"ip6:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"ip:{ip}"


def _valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


# --- the limits of each channel (settings: .env.example, docs/deploy.md) -----------------------


def filing(request, user, *, scope: str = "filing") -> Refusal | None:
    """New reports from the portal and the API (one budget per account, whatever the channel);
    an RT/RW representative, who files for residents, has a larger one. `scope="followup"` counts
    resubmissions and added information separately, with the same limits."""
    per_account = (
        settings.FILING_RATE_LIMIT_PER_REPRESENTATIVE_PER_HOUR
        if user.is_representative
        else settings.FILING_RATE_LIMIT_PER_ACCOUNT_PER_HOUR
    )
    return first_refusal(
        Rule(f"{scope}:account", f"user:{user.pk}", per_account, HOUR),
        Rule(
            f"{scope}:ip",
            address_identity(request),
            settings.FILING_RATE_LIMIT_PER_IP_PER_HOUR,
            HOUR,
        ),
    )


def api(request, caller: str) -> Refusal | None:
    """Every API request: per caller (token or session account; the address when anonymous) and
    per address, which offices and phone networks share, so its limit is the larger."""
    return first_refusal(
        Rule("api:caller", caller, settings.API_RATE_LIMIT_PER_MINUTE, MINUTE),
        Rule(
            "api:ip", address_identity(request), settings.API_RATE_LIMIT_PER_IP_PER_MINUTE, MINUTE
        ),
    )


def track(request, code: str) -> Refusal | None:
    """Tries of the tracking form (code + secret, no account), per address and per code."""
    return first_refusal(
        Rule(
            "track:ip", address_identity(request), settings.TRACK_RATE_LIMIT_PER_IP_PER_HOUR, HOUR
        ),
        Rule(
            "track:code",
            f"code:{code.strip().upper()}",
            settings.TRACK_RATE_LIMIT_PER_CODE_PER_HOUR,
            HOUR,
        ),
    )


def open311(request, application_id: int) -> Refusal | None:
    """Open311 POST requests, per registered application (its api_key) and per address."""
    return first_refusal(
        Rule(
            "open311:key",
            f"application:{application_id}",
            settings.OPEN311_RATE_LIMIT_PER_KEY_PER_HOUR,
            HOUR,
        ),
        Rule(
            "open311:ip",
            address_identity(request),
            settings.OPEN311_RATE_LIMIT_PER_IP_PER_HOUR,
            HOUR,
        ),
    )


def sms_address(request) -> Refusal | None:
    """Webhook calls per address: the gateway's, so a large limit that only a flood reaches."""
    return hit(
        Rule("sms:ip", address_identity(request), settings.SMS_RATE_LIMIT_PER_IP_PER_HOUR, HOUR)
    )


def sms_phone(phone: str) -> Refusal | None:
    """Messages per sender (normalised number): every message, LAPOR, CEK or other, costs a
    reply."""
    return hit(
        Rule("sms:phone", f"phone:{phone}", settings.SMS_RATE_LIMIT_PER_PHONE_PER_HOUR, HOUR)
    )


def first_notice(refusal: Refusal, identity: str) -> bool:
    """True once per identity and window: whether to tell a refused sender (the SMS webhook sends
    at most one "wait" reply per phone per window, so a flood or an auto-responder loop costs one
    SMS, not one per message)."""
    key = f"rl:notice:{refusal.scope}:{_digest(identity)}:{refusal.window_ends}"
    try:
        return caches["default"].add(key, 1, refusal.retry_after + 60)
    except Exception:
        log.exception("rate limit notice flag unavailable")
        return False


def too_many_message(refusal: Refusal) -> str:
    return _("Terlalu banyak permintaan; coba lagi dalam %(wait)s.") % {"wait": refusal.wait_text()}
