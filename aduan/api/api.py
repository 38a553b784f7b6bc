"""The JSON API v1 (`/api/v1/`), its OpenAPI document and its interactive page.

The page's Swagger UI scripts and styles are the copies django-ninja ships in its own static
folder (served by WhiteNoise, because `ninja` is in INSTALLED_APPS); no CDN is used.
"""

from django.core.signals import setting_changed
from django.urls import re_path
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger

from . import errors
from .guard import IDEMPOTENCY_HEADER, NOT_REPLAYED_ROUTES, guard_urls
from .views import (
    accounts,
    actions,
    catalog,
    notification_channels,
    notifications,
    personal_data,
    phone,
    public,
    reports,
    staff,
)

DESCRIPTION = """
API untuk aplikasi Android dan integrasi Aduan Kabupaten Sumbawa.

**Masuk**: `POST /api/v1/auth/tokens` dengan nama pengguna, kata sandi dan nama perangkat
memberi token; kirim sebagai `Authorization: Bearer <token>`. Sesi situs web juga berlaku
(dengan token CSRF untuk POST).

**Galat** selalu berbentuk `{"error": {"code", "message", "fields"}}`: 400 permintaan tak
terbaca, 401 belum masuk, 403 tidak berwenang, 404 tidak ada atau tidak boleh Anda lihat,
409 status laporan tidak mengizinkan atau laporan baru diubah orang lain, 413 terlalu besar,
415 jenis isi tidak didukung, 422 data tidak valid (rincian per kolom di `fields`), 429 terlalu
banyak permintaan (lihat `Retry-After`).

**Idempotency-Key**: setiap POST boleh membawa header ini. Mengulang dengan kunci dan isi yang
sama mengembalikan jawaban pertama (header `Idempotent-Replayed: true`) tanpa membuat apa pun;
kunci yang sama dengan isi lain ditolak (422).

**Halaman**: daftar memakai kursor (`next_cursor` → `cursor`). Untuk sinkronisasi kirim
`updated_since` = `server_time` dari sinkronisasi sebelumnya.
"""


class AduanAPI(NinjaAPI):
    """The OpenAPI document is built once per language and root path and then kept: building it
    walks every operation's models (about 0.8 s of CPU for each anonymous GET of `openapi.json`).
    It depends on nothing else: the routes are fixed at start-up and no schema reads a setting;
    a changed `NINJA_*` setting (tests) drops the copies. The document returned is shared: read
    it, do not change it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._documents: dict[tuple[str | None, str], dict] = {}
        setting_changed.connect(self._forget_documents, weak=False)

    def _forget_documents(self, *, setting, **kwargs):
        if setting.startswith("NINJA_"):
            self._documents.clear()

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (translation.get_language(), path_prefix)
        if key not in self._documents:
            self._documents[key] = self._build_openapi_schema(path_prefix)
        return self._documents[key]

    def _build_openapi_schema(self, path_prefix):
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        header = {
            "name": IDEMPOTENCY_HEADER,
            "in": "header",
            "required": False,
            "description": _(
                "Kunci unik dari klien (1–200 karakter) agar pengulangan tidak membuat data ganda."
            ),
            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
            "example": "4f1c2a9e-0d1b-4c55-9f1e-7a2b",
        }
        root = self.get_root_path({})
        for path, path_item in schema["paths"].items():
            operation = path_item.get("post")
            if operation is not None and path.removeprefix(root) not in NOT_REPLAYED_ROUTES:
                operation.setdefault("parameters", []).append(header)
        return schema


api = AduanAPI(
    title="Aduan API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": False}),  # a token never stays in the browser
    docs_url="/docs",
)
errors.install(api)
for module in (
    accounts,
    phone,
    catalog,
    reports,
    actions,
    staff,
    public,
    notifications,
    notification_channels,
    personal_data,
):
    api.add_router("", module.router)


@csrf_exempt  # writes nothing: a POST without a CSRF cookie gets this JSON 404, not an HTML 403
def unknown(request, rest=""):
    return errors.error_response(404, _("Alamat API ini tidak ada."))


def urlpatterns():
    patterns, app_name, namespace = api.urls
    guard_urls(patterns)
    patterns.append(re_path(r"^.*$", unknown))
    return patterns, app_name, namespace
