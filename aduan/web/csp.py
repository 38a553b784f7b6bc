"""Content-Security-Policy on every document the app serves.

Django 5.2 has no CSP support of its own; Django 6.0 adds `ContentSecurityPolicyMiddleware` with
the settings `SECURE_CSP` and `SECURE_CSP_REPORT_ONLY` (dicts of directive → sources). This
middleware reads the same two settings in the same shape, so that moving to Django 6.0 is a
change of one line in MIDDLEWARE, and no package is needed for what is a fixed header: the
templates carry no inline script or style, so there are no nonces to generate.
"""

from django.conf import settings

# The documents a browser may run script in. Images, PDFs, CSV and JSON run no script of ours: they
# are left alone, so that a policy written for the pages cannot get in the way of the browser's own
# image or PDF viewer.
DOCUMENT_TYPES = {
    "text/html",
    "application/xhtml+xml",
    "application/xml",
    "text/xml",
    "image/svg+xml",
}


def render_policy(directives: dict[str, list[str] | str | bool]) -> str:
    """{"default-src": ["'self'"], "upgrade-insecure-requests": True}
    → "default-src 'self'; ..."."""
    parts = []
    for name, sources in directives.items():
        if sources is True:
            parts.append(name)
        elif isinstance(sources, str):
            parts.append(f"{name} {sources}")
        elif sources:
            parts.append(" ".join([name, *sources]))
    return "; ".join(parts)


class ContentSecurityPolicyMiddleware:
    """Adds the policy of SECURE_CSP (enforced) and SECURE_CSP_REPORT_ONLY (reported only) to each
    document response, unless the view set one itself. First in MIDDLEWARE, so error pages and
    the responses of the other middleware get it too."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            header: render_policy(directives)
            for header, directives in (
                ("Content-Security-Policy", getattr(settings, "SECURE_CSP", {})),
                (
                    "Content-Security-Policy-Report-Only",
                    getattr(settings, "SECURE_CSP_REPORT_ONLY", {}),
                ),
            )
            if directives
        }

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type in DOCUMENT_TYPES:
            for header, policy in self.headers.items():
                response.headers.setdefault(header, policy)
        return response
