"""The one JSON error shape, `{"error": {"code", "message", "fields"}}`: the API's, and that of
the middlewares (size limit, second factor) that refuse an `/api/` request before it reaches the
API."""

from django.http import JsonResponse

CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "internal_error",
}


def error_response(
    status: int,
    message,
    *,
    code: str | None = None,
    fields: dict | None = None,
    headers: dict | None = None,
) -> JsonResponse:
    body = {
        "error": {
            "code": code or CODES.get(status, "error"),
            "message": str(message),
            "fields": fields or {},
        }
    }
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response
