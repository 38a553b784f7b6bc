"""The few GeoReport v2 calls Aduan makes to another server, with the standard library's HTTP
client (as the feed's deliveries do). Every failure is a `RemoteError` saying whether trying
again can help: a timeout, a refused connection, a 5xx, a 429 or a page that is not the JSON
the specification describes can pass; a 400 or 404 to a request will not."""

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

# Answers that say "not now" or "not with this key" (fixed by the sysadmin): tried again.
RETRYABLE_CODES = {401, 403, 408, 425, 429}
MAX_BODY = 1_000_000


class RemoteError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message, self.permanent = message, permanent


def _call(url: str, data: dict | None = None):
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    request = urllib.request.Request(
        url,
        data=body,
        method="POST" if body is not None else "GET",
        headers={"Accept": "application/json", "User-Agent": "Aduan-Open311/1"},
    )
    timeout = settings.OPEN311_OUTBOUND_TIMEOUT_SECONDS
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read(MAX_BODY + 1)
    except urllib.error.HTTPError as exc:
        detail = _error_text(exc)
        raise RemoteError(
            f"HTTP {exc.code}{': ' + detail if detail else ''}",
            permanent=400 <= exc.code < 500 and exc.code not in RETRYABLE_CODES,
        ) from None
    except (urllib.error.URLError, OSError) as exc:  # refused, unreachable, timed out
        raise RemoteError(f"tidak terhubung: {getattr(exc, 'reason', exc)}") from None
    if len(raw) > MAX_BODY:
        raise RemoteError("jawaban terlalu besar")
    try:
        return json.loads(raw)
    except ValueError:
        raise RemoteError("jawaban bukan JSON") from None


def _error_text(exc: urllib.error.HTTPError) -> str:
    """The GeoReport v2 error list's descriptions, when the server sent one."""
    try:
        errors = json.loads(exc.read(20_000))
        return "; ".join(str(e.get("description", "")) for e in errors if isinstance(e, dict))[:500]
    except (ValueError, TypeError, AttributeError, OSError):
        return ""


def _first(payload) -> dict:
    """A service_requests answer is a list of one (JSON); some servers wrap it in an object."""
    if isinstance(payload, dict):
        payload = payload.get("service_requests", payload.get("service_request", [payload]))
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        return payload[0]
    raise RemoteError("jawaban tidak berisi service_request")


def _params(server, **more) -> dict:
    params = {k: v for k, v in more.items() if v not in (None, "")}
    if server.jurisdiction_id:
        params["jurisdiction_id"] = server.jurisdiction_id
    return params


def post_request(server, fields: dict) -> tuple[str, str]:
    """POST requests.json; the (service_request_id, token) the server answered, either may be
    empty (a server that answers only a token gives the id later, `resolve_token`)."""
    data = {**_params(server, api_key=server.api_key), **fields}
    item = _first(_call(server.url("requests.json"), data))
    remote_id, token = str(item.get("service_request_id") or ""), str(item.get("token") or "")
    if not (remote_id or token):
        raise RemoteError("jawaban tanpa service_request_id maupun token")
    return remote_id[:100], token[:100]


def resolve_token(server, token: str) -> str:
    """GET tokens/{token}.json: the service_request_id, or "" while the server has none yet."""
    url = server.url(f"tokens/{urllib.parse.quote(token, safe='')}.json")
    query = urllib.parse.urlencode(_params(server, api_key=server.api_key))
    item = _first(_call(url + ("?" + query if query else "")))
    return str(item.get("service_request_id") or "")[:100]


def get_request(server, remote_id: str) -> dict:
    """GET requests/{id}.json (with the api_key: Aduan shows an application the requests it
    filed before they are verified)."""
    url = server.url(f"requests/{urllib.parse.quote(remote_id, safe='')}.json")
    query = urllib.parse.urlencode(_params(server, api_key=server.api_key))
    item = _first(_call(url + ("?" + query if query else "")))
    status = str(item.get("status") or "").strip().lower()
    if status not in ("open", "closed"):
        raise RemoteError(f"status tidak dikenal: {status[:20]!r}")
    return {
        "status": status,
        "status_notes": str(item.get("status_notes") or "").strip(),
        "updated_datetime": str(item.get("updated_datetime") or "")[:40],
    }


def get_services(server) -> list[dict]:
    """GET services.json: the codes and names the sysadmin maps our categories to."""
    query = urllib.parse.urlencode(_params(server))
    payload = _call(server.url("services.json") + ("?" + query if query else ""))
    if isinstance(payload, dict):
        payload = payload.get("services", [])
    if not isinstance(payload, list):
        raise RemoteError("services.json bukan daftar layanan")
    return [
        {
            "service_code": str(s.get("service_code", "")),
            "service_name": str(s.get("service_name", "")),
        }
        for s in payload
        if isinstance(s, dict) and s.get("service_code")
    ]
