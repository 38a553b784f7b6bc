"""The authorisation matrix: for every endpoint of the URL configuration and every operation of the
OpenAPI document, what each role gets (issue 7).

An entry is keyed by the URL pattern's name (`namespace:name`), or by its route when the pattern
has no name. `test_authz_coverage` fails when a pattern or an OpenAPI operation has no entry here,
or when an entry names a pattern that no longer exists; `test_authz_matrix` calls every case once
per role and asserts the outcome. Adding an endpoint therefore means deciding, here, what each of
the roles gets.

Roles (tests/authz/world.py): public (not logged in), citizen (the report's reporter),
other_citizen, representative (the RT/RW who filed the report on the citizen's behalf),
dispatcher, officer_a (officer of agency A, which holds the report), officer_b (another agency),
supervisor, sysadmin, sub_unit (officer of a sub-unit of agency A, issue 16), outside (a forwarding
link). Web pages are called with the role's session, the API with its Bearer token.

Outcomes:
- OK: 2xx or 3xx, and not a redirect to a log-in page; SHOWN / HIDDEN: OK, and the case's report
  code is / is not in the body (lists, feeds, exports);
- LOGIN: 302 to the portal's log-in page with `next` (a login-required page, anonymous visitor);
  ADMIN_LOGIN: 302 to the Django admin's log-in page;
- REACHED: the request passed every permission check and was answered on its content
  (not 401/403/404/405, not a log-in redirect, no 5xx): for endpoints whose success needs
  something the matrix cannot supply (an SMS code received on a phone);
- an int: exactly that status (401 anonymous API call, 403 forbidden, 404 not found or not yours,
  405 method not allowed);
- "to:<path>": a redirect to exactly <path> (someone else's notification sends you to your list).
For a mutating call (any method but GET, or a GET marked `writes`) every outcome that is not OK,
SHOWN, HIDDEN or REACHED is also checked to have changed nothing in the database.

Decisions worth knowing:
- Back office and statistics are for dispatchers, officers and supervisors (access.staff_only);
  the sysadmin works in the Django admin and gets 403 there like a citizen. Outsiders to a report
  get 404 (codes cannot be probed); a role that may see a report but not take an action gets 403.
- The Django admin is one entry ("admin:*", every pattern under /admin/): only the sysadmin
  (is_staff) gets in; everyone else is sent to the admin's log-in page. Its cases are generated
  from the registered ModelAdmins, so a newly registered model is exercised too.
- allauth's pages are public (log-in, sign-up, password reset) or login-required (e-mail,
  password change, connected accounts), each decided below.
- Static files are served by WhiteNoise's middleware, not by a URL pattern: they are public by
  nature and not part of the URL configuration this matrix walks. Uploaded files have no URL
  of their own; they are served only by the attachment views below.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin

from aduan.accounts.mfa import is_staff_account
from tests.conftest import PASSWORD
from tests.totp import STAFF_TOTP_SECRET, totp

from .world import OPEN311_KEY, ROLES, World

OK, SHOWN, HIDDEN, LOGIN, ADMIN_LOGIN, REACHED = (
    "ok",
    "shown",
    "hidden",
    "login",
    "admin-login",
    "reached",
)
ALLOWED = (OK, SHOWN, HIDDEN, REACHED)
GET, POST, PATCH, PUT, DELETE = "GET", "POST", "PATCH", "PUT", "DELETE"


@dataclass(frozen=True)
class Case:
    method: str
    path: Callable[[World], str]
    expect: dict
    name: str = ""
    data: object = None  # a dict, or a callable (world, role) -> dict
    per_role: bool = False  # the path is a callable (world, role) -> str
    body: str = "form"  # form (multipart), json
    subject: str = ""  # the report whose code SHOWN / HIDDEN look for
    writes: bool = False  # a GET that changes state

    @property
    def mutating(self) -> bool:
        return self.method != GET or self.writes


@dataclass(frozen=True)
class Entry:
    key: str
    cases: tuple
    note: str = ""


# --- expectations -----------------------------------------------------------------------------


# The roles with an account or none at all; "outside" (the holder of a forwarding link) is the
# public everywhere but on its link's page: `C` gives it the public's outcome unless told; and
# "sub_unit" (an officer of a sub-unit of agency A, issue 16) is an officer of another agency
# everywhere but on the report passed down to it: `C` gives it officer_b's outcome unless told.
PEOPLE = tuple(role for role in ROLES if role not in ("outside", "sub_unit"))


def every(outcome) -> dict:
    return dict.fromkeys(PEOPLE, outcome)


def roles(default, **overrides) -> dict:
    unknown = set(overrides) - set(ROLES)
    assert not unknown, unknown
    return {**every(default), **overrides}


def signed_in(outcome=OK, *, public=LOGIN) -> dict:
    return roles(outcome, public=public)


def staff(*allowed, denied=403, public=LOGIN) -> dict:
    return roles(denied, public=public, **dict.fromkeys(allowed, OK))


OWNERS = ("citizen", "representative")
# Every citizen account (the personal data pages are each one's own).
CITIZENS = ("citizen", "other_citizen", "representative")


def report_page(allowed=OK, *, public=404, held=True) -> dict:
    """Who may open a confidential report (visibility.visible_reports): its reporter and the
    representative who filed it, dispatchers and supervisors, and the agency holding it."""
    seen = {"citizen", "representative", "dispatcher", "supervisor"} | (
        {"officer_a"} if held else set()
    )
    return {role: allowed if role in seen else 404 for role in PEOPLE} | {"public": public}


def api_dispatcher_action() -> dict:
    """A dispatcher's action on a submitted (not yet held) confidential report."""
    return report_page(403, public=401, held=False) | {"dispatcher": OK}


def api_agency_action() -> dict:
    """An agency action on a confidential report agency A holds."""
    return report_page(403, public=401) | {"officer_a": OK}


def api_reporter_action(*, held=True) -> dict:
    return report_page(403, public=401, held=held) | dict.fromkeys(OWNERS, OK)


def web_reporter_action() -> dict:
    """Portal actions of the reporter: login required, then anyone but the reporter (and the
    representative who filed) gets 404, staff who may see the report included."""
    return roles(404, public=LOGIN, citizen=OK, representative=OK)


# --- paths ------------------------------------------------------------------------------------


def at(template: str, key: str = "") -> Callable[[World], str]:
    """`/laporan/{code}/` with the code of world.reports[key]; other fields are world attributes."""

    def build(world: World) -> str:
        values = {
            name: getattr(world, name)
            for name in ("notification", "evaluation", "open311_token", "citizen_token_id")
        }
        if key:
            values["code"] = world.code(key)
            values["attachment"] = world.attachments.get(key)
        values["other_citizen"] = world.cast.other_citizen.pk
        return template.format(**values)

    return build


def C(method, path, expect, **kwargs) -> Case:
    if "outside" not in expect and "public" in expect:
        expect = {**expect, "outside": expect["public"]}
    if "sub_unit" not in expect and "officer_b" in expect:
        expect = {**expect, "sub_unit": expect["officer_b"]}
    return Case(method, path if callable(path) else (lambda world, p=path: p), expect, **kwargs)


def E(key, *cases, note="") -> Entry:
    return Entry(key, tuple(cases), note)


def outside_link(world, role) -> str:
    return f"/luar/{world.link(role)}/"


def version(key):
    return lambda world, role: {"version": world.reports[key].version}


def with_version(key, **fields):
    return lambda world, role: {"version": world.reports[key].version, **fields}


# --- payloads ---------------------------------------------------------------------------------


def intake_form(world, role):
    """The intake form as the page gives it, with its token, to the role allowed to send it (the
    token is a row: for a refused role, whose call must write nothing, there is none)."""
    from aduan.web.models import FilingToken

    token = FilingToken.objects.create(user=world.users[role]).token if role == "dispatcher" else ""
    return {
        "form_token": token,
        "channel": "phone",
        "reporter_name": "Siti Aminah",
        "reporter_phone": "081234567890",
        "classification": "complaint",
        "title": "Sampah menumpuk",
        "description": "Sampah di pasar Seketeng tidak diangkut seminggu.",
    }


def api_report_form(world, role):
    return {
        "title": "Lampu jalan padam",
        "description": "Sepanjang Jalan Hasanuddin gelap sejak dua minggu.",
        "category": "infrastruktur-jalan",
        "village": "52.04.08.1004",
        "extra_answers": '{"status-jalan": "kabupaten"}',
    }


def own_credentials(world, role):
    """The role's own user name and password, and for staff (who must have an authenticator app)
    the current code from it."""
    user = world.users[role]
    data = {
        "username": user.username if user else "tidak-ada",
        "password": PASSWORD,
        "device_name": "matriks",
    }
    if user is not None and is_staff_account(user):
        data["otp_code"] = totp(STAFF_TOTP_SECRET)
    return data


def open311_request(with_key: bool):
    def build(world, role):
        data = {
            "service_code": "infrastruktur-jalan",
            "description": "Jalan berlubang di depan pasar.",
            "address_string": "Jalan Garuda",
            "attribute[status-jalan]": "kabupaten",
        }
        return {**data, "api_key": OPEN311_KEY} if with_key else data

    return build


def admin_cases() -> tuple:
    """The admin index, its log-in page, every registered model's list, and one write."""
    cases = [
        C(GET, "/admin/", every(ADMIN_LOGIN) | {"sysadmin": OK}, name="index"),
        # The admin's own log-in form would skip the second factor: it sends the public to /masuk/.
        C(GET, "/admin/login/", every(403) | {"public": LOGIN, "sysadmin": OK}, name="login page"),
        C(
            POST,
            "/admin/directory/holiday/add/",
            every(ADMIN_LOGIN) | {"sysadmin": OK},
            name="add holiday",
            data={"date": "2026-12-31", "name": "Libur uji matriks"},
        ),
    ]
    for model in admin.site._registry:
        meta = model._meta
        cases.append(
            C(
                GET,
                f"/admin/{meta.app_label}/{meta.model_name}/",
                every(ADMIN_LOGIN) | {"sysadmin": OK},
                name=f"{meta.app_label}.{meta.model_name}",
            )
        )
    return tuple(cases)


# --- the table --------------------------------------------------------------------------------

MATRIX = (
    # Operations and the public portal
    E("home", C(GET, "/", every(OK))),
    E("healthz", C(GET, "/healthz", every(OK))),
    E("livez", C(GET, "/livez", every(OK))),
    E(
        "metrics",
        C(GET, "/metrics", every(401)),
        note="Prometheus only, with `Authorization: Bearer <METRICS_TOKEN>` (set for the matrix): "
        "no log-in is a token, staff and sysadmin included; tests/test_metrics.py checks the token",
    ),
    E("favicon", C(GET, "/favicon.ico", every(OK))),
    E("audit_heads", C(GET, "/bukti/", every(OK))),
    E(
        "open_data",
        C(GET, "/data-terbuka/laporan.csv", every(OK), name="the first download writes it"),
        C(GET, "/data-terbuka/rahasia.txt", every(404), name="not an open-data file"),
        note="public files, written nightly or by the first download (tests/test_open_data.py)",
    ),
    E(
        "public_statistics",
        C(GET, "/statistik/", every(OK), name="page"),
        C(GET, "/statistik/?format=csv", every(OK), name="csv"),
    ),
    E("audit_heads_json", C(GET, "/bukti/kepala.json", every(OK))),
    E(
        "verify_receipt",
        C(GET, "/bukti/periksa/", every(OK), name="form"),
        C(GET, "/bukti/periksa/?r=ADUAN-R1.bukan.tanda-terima", every(OK), name="malformed"),
    ),
    E("set_language", C(POST, "/i18n/setlang/", every(OK), data={"language": "en", "next": "/"})),
    E(
        "web:feed",
        C(GET, "/laporan/", every(HIDDEN), subject="in_progress", name="confidential"),
        C(GET, "/laporan/", every(SHOWN), subject="public", name="public"),
        C(
            GET,
            "/laporan/?q=jalan+berlubang+seketeng",
            every(HIDDEN),
            subject="in_progress",
            name="search",
        ),
        C(
            GET,
            "/laporan/?q=jalan+berlubang+seketeng",
            every(SHOWN),
            subject="public",
            name="search finds",
        ),
    ),
    E(
        "web:track",
        C(GET, "/lacak/", every(OK)),
        C(
            POST,
            "/lacak/",
            every(OK),
            name="code and secret",
            data=lambda world, role: {"code": world.tracked.code, "secret": world.tracked_secret},
        ),
        C(
            POST,
            "/lacak/",
            every(404),
            name="wrong secret",
            data=lambda world, role: {"code": world.tracked.code, "secret": "SALAH123"},
        ),
    ),
    E(
        "web:report",
        C(GET, at("/laporan/{code}/", "in_progress"), report_page(), name="held"),
        C(GET, at("/laporan/{code}/", "submitted"), report_page(held=False), name="submitted"),
        C(
            GET,
            at("/laporan/{code}/", "moved"),
            report_page(held=False) | {"officer_b": OK, "sub_unit": 404},
            name="moved to B",
        ),
        C(GET, at("/laporan/{code}/", "public"), every(OK), name="public"),
    ),
    E(
        "web:attachment",
        C(
            GET,
            at("/laporan/{code}/lampiran/{attachment}/", "in_progress"),
            report_page(),
            name="confidential",
        ),
        C(GET, at("/laporan/{code}/lampiran/{attachment}/", "public"), every(OK), name="public"),
    ),
    E(
        "web:hand_over_to_ombudsman",
        C(
            POST,
            at("/laporan/{code}/ombudsman/", "in_progress"),
            web_reporter_action(),
            data=with_version("in_progress", consent="on"),
            name="not past its limit: the reporter is told why, back on the page",
        ),
        C(GET, at("/laporan/{code}/ombudsman/", "in_progress"), roles(405, public=LOGIN)),
        note="the hand-over itself past the limit: tests/test_ombudsman.py",
    ),
    E(
        "web:ombudsman_case_file",
        C(
            GET,
            at("/laporan/{code}/berkas-ombudsman/", "handed_over"),
            web_reporter_action(),
            name="handed over",
        ),
        C(
            GET,
            at("/laporan/{code}/berkas-ombudsman/", "in_progress"),
            roles(404, public=LOGIN),
            name="not handed over",
        ),
        note="staff download it from the back office",
    ),
    E(
        "web:support",
        C(POST, at("/laporan/{code}/dukung/", "public"), signed_in(), name="public"),
        C(POST, at("/laporan/{code}/dukung/", "in_progress"), report_page(), name="confidential"),
        C(GET, at("/laporan/{code}/dukung/", "public"), every(405)),
    ),
    E(
        "web:follow",
        C(POST, at("/laporan/{code}/ikuti/", "public"), signed_in(), name="public"),
        C(
            POST,
            at("/laporan/{code}/ikuti/", "in_progress"),
            report_page(public=LOGIN),
            name="confidential",
        ),
        C(GET, at("/laporan/{code}/ikuti/", "public"), every(405)),
    ),
    E(
        "web:fix_check",
        # Only a supporter or the desa's RT/RW after a "done" answer (tests/test_fix_check.py);
        # the matrix's report has none, so a signed-in caller is refused with a message.
        C(POST, at("/laporan/{code}/sudah-diperbaiki/", "public"), signed_in(), name="public"),
        C(
            POST,
            at("/laporan/{code}/sudah-diperbaiki/", "in_progress"),
            report_page(public=LOGIN),
            name="confidential",
        ),
        C(GET, at("/laporan/{code}/sudah-diperbaiki/", "public"), every(405)),
    ),
    E(
        "digest_subscribe",
        C(GET, "/langganan/", every(OK), name="form"),
        C(POST, "/langganan/", every(422), data={"email": "bukan-email"}, name="refused"),
        note="public, no account (tests/test_digests.py)",
    ),
    E(
        "digest_confirm",
        C(GET, "/langganan/konfirmasi/token-palsu/", every(404), name="forged link"),
        C(POST, "/langganan/konfirmasi/token-palsu/", every(404), name="forged link, post"),
    ),
    E(
        "digest_stop",
        C(GET, "/langganan/berhenti/token-palsu/", every(404), name="forged link"),
        C(POST, "/langganan/berhenti/token-palsu/", every(404), name="forged link, post"),
    ),
    E(
        "stop_following",
        C(GET, "/berhenti-ikuti/tanda-tangan-palsu/", every(404), name="forged link"),
        C(POST, "/berhenti-ikuti/tanda-tangan-palsu/", every(404), name="forged link, post"),
        note="a real link is signed for one supporter and one report (tests/test_followers.py)",
    ),
    E(
        "web:checklist",
        C(POST, "/lapor/periksa/", every(OK), data={"title": "Jalan rusak"}),
        C(GET, "/lapor/periksa/", every(405)),
    ),
    E("web:questions", C(GET, "/lapor/pertanyaan/?category=1", every(OK))),
    E("web:villages", C(GET, "/wilayah/desa/?district=52.04.08", every(OK))),
    E("web:locate", C(GET, "/wilayah/lokasi/?lat=-8.4935&lon=117.4208", every(OK))),
    E(
        "web:feed_map",
        C(GET, "/laporan/peta/", every(HIDDEN), subject="in_progress", name="confidential"),
        C(GET, "/laporan/peta/", every(SHOWN), subject="public", name="public"),
    ),
    E(
        "web:feed_atom",
        C(GET, "/laporan/umpan.atom", every(HIDDEN), subject="in_progress", name="confidential"),
        C(GET, "/laporan/umpan.atom", every(SHOWN), subject="public", name="public"),
    ),
    # The installable web app (issue 13): public, and the same for everyone (nothing personal is
    # kept by the service worker before log-in).
    E("service_worker", C(GET, "/sw.js", every(OK))),
    E("manifest", C(GET, "/manifest.webmanifest", every(OK))),
    E("web:offline", C(GET, "/luring/", every(OK))),
    E(
        "web:upload",
        C(POST, "/lapor/unggah/", signed_in(400), data={}),
        C(GET, "/lapor/unggah/", signed_in(405)),
        note="A file ahead of its report, kept for its uploader only (PendingUpload, by key); "
        "without an Idempotency-Key it is refused.",
    ),
    # The citizen's own pages
    E(
        "web:file_report",
        C(GET, "/lapor/", signed_in()),
        C(POST, "/lapor/", signed_in(), data={"title": ""}),
        note="Anyone with an account may file (an officer is a resident too); citizens complete "
        "their profile first.",
    ),
    E(
        "web:profile",
        C(GET, "/akun/profil/", signed_in()),
        C(POST, "/akun/profil/", signed_in(), data={}),
    ),
    E(
        "web:my_reports",
        C(
            GET,
            "/laporan-saya/",
            roles(HIDDEN, public=LOGIN, citizen=SHOWN, representative=SHOWN),
            subject="in_progress",
        ),
    ),
    E("web:filed", C(GET, at("/laporan/{code}/terkirim/", "in_progress"), web_reporter_action())),
    E(
        "web:resubmit",
        C(
            POST,
            at("/laporan/{code}/lengkapi/", "returned"),
            web_reporter_action(),
            data=with_version(
                "returned",
                title="Jalan berlubang di Seketeng",
                description="Lubang di depan SD Seketeng, lebar satu meter.",
                text="Lokasi dilengkapi.",
            ),
        ),
        C(GET, at("/laporan/{code}/lengkapi/", "returned"), roles(405, public=LOGIN)),
    ),
    E(
        "web:provide_info",
        C(
            POST,
            at("/laporan/{code}/informasi/", "paused"),
            web_reporter_action(),
            data=with_version("paused", text="Foto sudah saya kirim lewat RT."),
        ),
        C(GET, at("/laporan/{code}/informasi/", "paused"), roles(405, public=LOGIN)),
    ),
    E(
        "web:accept_answer",
        C(
            POST,
            at("/laporan/{code}/puas/", "responded"),
            web_reporter_action(),
            data=with_version("responded", rating=5),
        ),
        C(GET, at("/laporan/{code}/puas/", "responded"), roles(405, public=LOGIN)),
    ),
    E(
        "web:reject_answer",
        C(
            POST,
            at("/laporan/{code}/tidak-puas/", "responded"),
            web_reporter_action(),
            data=with_version("responded", reason="Lubang masih ada."),
        ),
        C(GET, at("/laporan/{code}/tidak-puas/", "responded"), roles(405, public=LOGIN)),
    ),
    # Personal data rights (UU 27/2022): the citizen's own; staff accounts are refused (403).
    E(
        "web:personal_data",
        C(GET, "/akun/data-saya/", staff(*CITIZENS, denied=403)),
    ),
    E(
        "web:personal_data_download",
        C(
            POST,
            "/akun/data-saya/unduh/",
            staff(*CITIZENS, denied=403),
            data={"unduh-password": PASSWORD},
        ),
        C(GET, "/akun/data-saya/unduh/", roles(405, public=LOGIN)),
    ),
    E(
        "web:personal_data_erasure",
        C(GET, "/akun/data-saya/hapus/", staff(*CITIZENS, denied=403)),
        C(
            POST,
            "/akun/data-saya/hapus/",
            staff(*CITIZENS, denied=403),
            data={"hapus-password": PASSWORD, "hapus-understood": "on"},
        ),
    ),
    E(
        "web:personal_data_withdraw",
        C(POST, "/akun/data-saya/hapus/batal/", staff(*CITIZENS, denied=403)),
        C(GET, "/akun/data-saya/hapus/batal/", roles(405, public=LOGIN)),
    ),
    E("web:notifications", C(GET, "/notifikasi/", signed_in())),
    E(
        "web:notification_channels",
        C(GET, "/akun/notifikasi/", signed_in()),
        C(POST, "/akun/notifikasi/", signed_in(), data={"channels": ["email"]}),
    ),
    E(
        "push:subscribe",
        C(POST, "/akun/notifikasi/ponsel/", roles(400, public=401), data={}),
        C(GET, "/akun/notifikasi/ponsel/", every(405)),
        note="Web Push: any account subscribes its own browser; the body must be the browser's "
        "subscription JSON (400 otherwise), an anonymous visitor gets 401 with a message.",
    ),
    E(
        "push:unsubscribe",
        C(POST, "/akun/notifikasi/ponsel/hapus/", roles(400, public=401), data={}),
        C(GET, "/akun/notifikasi/ponsel/hapus/", every(405)),
        note="Only the account's own subscription is removed (by its endpoint).",
    ),
    E(
        "web:notifications_read",
        C(POST, "/notifikasi/baca-semua/", signed_in()),
        C(GET, "/notifikasi/baca-semua/", roles(405, public=LOGIN)),
    ),
    E(
        "web:notification",
        C(
            GET,
            at("/notifikasi/{notification}/"),
            roles("to:/notifikasi/", public=LOGIN, citizen=OK),
            writes=True,
            name="the citizen's notification",
        ),
    ),
    # Accounts (allauth and the project's sign-up)
    E("login", C(GET, "/masuk/", every(OK))),
    E("logout", C(GET, "/keluar/", every(OK)), C(POST, "/keluar/", every(OK))),
    E("signup", C(GET, "/daftar/", every(OK))),
    E("account_login", C(GET, "/akun/login/", every(OK))),
    E("account_logout", C(GET, "/akun/logout/", every(OK))),
    E("account_inactive", C(GET, "/akun/inactive/", every(OK))),
    E("account_signup", C(GET, "/akun/signup/", every(OK))),
    E("account_reauthenticate", C(GET, "/akun/reauthenticate/", signed_in())),
    E(
        "account_email",
        C(GET, "/akun/email/", signed_in()),
        # Aduan's page (accounts.views.change_email): the new address and the current password.
        C(
            POST,
            "/akun/email/",
            signed_in(),
            data={"email": "baru@contoh.id", "password": PASSWORD},
        ),
    ),
    E("account_email_verification_sent", C(GET, "/akun/confirm-email/", every(OK))),
    E("account_change_password", C(GET, "/akun/password/change/", signed_in())),
    E("account_set_password", C(GET, "/akun/password/set/", signed_in())),
    E("account_reset_password", C(GET, "/akun/password/reset/", every(OK))),
    E("account_confirm_login_code", C(GET, "/akun/login/code/confirm/", every(OK))),
    E("account_confirm_email", C(GET, "/akun/confirm-email/kunci-palsu/", every(OK))),
    E("account_reset_password_from_key_done", C(GET, "/akun/password/reset/key/done/", every(OK))),
    E(
        "account_reset_password_from_key",
        C(GET, "/akun/password/reset/key/1-kunci-palsu/", every(OK)),
    ),
    E("account_reset_password_done", C(GET, "/akun/password/reset/done/", every(OK))),
    # Second factor (allauth.mfa): each person's own authenticator, so every signed-in role reaches
    # its own pages; a page about something the account does not have (recovery codes, a TOTP to
    # switch off) is 404. Pages behind allauth's reauthentication send the public to allauth's own
    # log-in URL. Staff cannot switch their TOTP off (tests/test_accounts_mfa.py): the matrix only
    # records that the page is reached.
    E("mfa_index", C(GET, "/akun/2fa/", signed_in())),
    E(
        "mfa_activate_totp",
        C(
            GET,
            "/akun/2fa/totp/activate/",
            signed_in(public="to:/akun/login/?next=%2Fakun%2F2fa%2Ftotp%2Factivate%2F"),
        ),
    ),
    E(
        "mfa_deactivate_totp",
        C(
            GET,
            "/akun/2fa/totp/deactivate/",
            roles(REACHED, public=LOGIN, citizen=404, other_citizen=404, representative=404),
        ),
    ),
    E(
        "mfa_authenticate",
        C(
            GET,
            "/akun/2fa/authenticate/",
            roles(
                "to:/",
                public="to:/akun/login/",
                **dict.fromkeys(
                    ("dispatcher", "officer_a", "officer_b", "supervisor"), "to:/kantor/"
                ),
            ),
        ),
        note="Only meaningful in the middle of a log-in; otherwise allauth sends everyone on "
        "(staff to their back office).",
    ),
    E(
        "mfa_reauthenticate",
        C(
            GET,
            "/akun/2fa/reauthenticate/",
            roles(
                OK,
                public=LOGIN,
                **dict.fromkeys((*OWNERS, "other_citizen"), "to:/akun/reauthenticate/"),
            ),
        ),
    ),
    E("mfa_view_recovery_codes", C(GET, "/akun/2fa/recovery-codes/", roles(404, public=LOGIN))),
    E(
        "mfa_generate_recovery_codes",
        C(
            GET,
            "/akun/2fa/recovery-codes/generate/",
            signed_in(public="to:/akun/login/?next=%2Fakun%2F2fa%2Frecovery-codes%2Fgenerate%2F"),
        ),
    ),
    E(
        "mfa_download_recovery_codes",
        C(GET, "/akun/2fa/recovery-codes/download/", roles(404, public=LOGIN)),
    ),
    E("socialaccount_login_cancelled", C(GET, "/akun/3rdparty/login/cancelled/", every(OK))),
    E(
        "socialaccount_login_error",
        C(GET, "/akun/3rdparty/login/error/", every(401)),
        note="allauth answers its third-party log-in error page with 401, to everyone.",
    ),
    E("socialaccount_signup", C(GET, "/akun/3rdparty/signup/", every(OK))),
    E("socialaccount_connections", C(GET, "/akun/3rdparty/", signed_in())),
    E("akun/social/login/cancelled/", C(GET, "/akun/social/login/cancelled/", every(OK))),
    E("akun/social/login/error/", C(GET, "/akun/social/login/error/", every(OK))),
    E("akun/social/signup/", C(GET, "/akun/social/signup/", every(OK))),
    E(
        "akun/social/connections/",
        C(GET, "/akun/social/connections/", every(OK)),
        note="allauth's old address: a permanent redirect to /akun/3rdparty/, which then asks "
        "for a log-in.",
    ),
    # Back office
    E(
        "backoffice:home",
        C(GET, "/kantor/", staff("dispatcher", "officer_a", "officer_b", "supervisor")),
    ),
    E(
        "backoffice:queue",
        C(
            GET,
            "/kantor/antrean/",
            staff("dispatcher") | {"dispatcher": SHOWN},
            subject="submitted",
        ),
    ),
    E(
        "backoffice:inbox",
        C(
            GET,
            "/kantor/kotak-masuk/",
            staff() | {"officer_a": SHOWN, "officer_b": HIDDEN},
            subject="in_progress",
        ),
    ),
    E(
        "backoffice:reports",
        C(
            GET,
            "/kantor/laporan/",
            staff()
            | {"dispatcher": SHOWN, "officer_a": SHOWN, "officer_b": HIDDEN, "supervisor": SHOWN},
            subject="in_progress",
            name="list",
        ),
        C(
            GET,
            "/kantor/laporan/?format=csv",
            staff()
            | {"dispatcher": SHOWN, "officer_a": SHOWN, "officer_b": HIDDEN, "supervisor": SHOWN},
            subject="in_progress",
            name="csv export",
        ),
    ),
    # The lists on a map (issue 13): the page loads its pins from the data endpoint, which holds
    # exactly the list's reports for that viewer.
    E("backoffice:queue_map", C(GET, "/kantor/antrean/peta/", staff("dispatcher"))),
    E(
        "backoffice:queue_map_data",
        C(
            GET,
            "/kantor/antrean/peta.geojson",
            staff("dispatcher") | {"dispatcher": SHOWN},
            subject="submitted",
        ),
    ),
    E("backoffice:inbox_map", C(GET, "/kantor/kotak-masuk/peta/", staff("officer_a", "officer_b"))),
    E(
        "backoffice:inbox_map_data",
        C(
            GET,
            "/kantor/kotak-masuk/peta.geojson",
            staff() | {"officer_a": SHOWN, "officer_b": HIDDEN},
            subject="in_progress",
        ),
    ),
    E(
        "backoffice:reports_map",
        C(
            GET,
            "/kantor/laporan/peta/",
            staff("dispatcher", "officer_a", "officer_b", "supervisor"),
        ),
    ),
    E(
        "backoffice:reports_map_data",
        C(
            GET,
            "/kantor/laporan/peta.geojson",
            staff()
            | {"dispatcher": SHOWN, "officer_a": SHOWN, "officer_b": HIDDEN, "supervisor": SHOWN},
            subject="in_progress",
        ),
    ),
    E(
        "backoffice:save_filter",
        C(
            POST,
            "/kantor/laporan/saringan/",
            staff("dispatcher", "officer_a", "officer_b", "supervisor"),
            data={"name": "Saringan uji", "query": "status=in_progress"},
        ),
        C(GET, "/kantor/laporan/saringan/", every(405)),
        note="each user's own filters (tests/test_saved_filters.py)",
    ),
    E(
        "backoffice:macros",
        C(GET, "/kantor/makro/", staff("dispatcher", "officer_a", "officer_b")),
        C(
            POST,
            "/kantor/makro/",
            staff() | {"dispatcher": 400, "officer_a": 400, "officer_b": 400},
            data={"name": "", "action": ""},
            name="refused without a name (400 is the form shown again)",
        ),
        note="each role's own macros (tests/test_macros.py)",
    ),
    E(
        "backoffice:macro_apply",
        C(
            POST,
            "/kantor/makro/terapkan/",
            staff("dispatcher", "officer_a", "officer_b"),
            data={"macro": "0", "reports": "X:1"},
        ),
        C(GET, "/kantor/makro/terapkan/", every(405)),
        note="a macro only among the user's own; each report through its own action",
    ),
    E(
        "backoffice:macro_delete",
        C(
            POST,
            "/kantor/makro/0/hapus/",
            staff(denied=403) | {"dispatcher": 404, "officer_a": 404, "officer_b": 404},
        ),
        C(GET, "/kantor/makro/0/hapus/", every(405)),
    ),
    E(
        "backoffice:report_pdf",
        C(
            GET,
            at("/kantor/laporan/{code}/pdf/", "in_progress"),
            staff("dispatcher", "officer_a", "supervisor") | {"officer_b": 404},
            name="held",
        ),
    ),
    E(
        "backoffice:case_file",
        C(
            GET,
            at("/kantor/laporan/{code}/berkas-ombudsman/", "handed_over"),
            staff("dispatcher", "officer_a", "supervisor") | {"officer_b": 404},
            name="handed over",
        ),
        C(
            GET,
            at("/kantor/laporan/{code}/berkas-ombudsman/", "in_progress"),
            staff() | dict.fromkeys(("dispatcher", "officer_a", "officer_b", "supervisor"), 404),
            name="not handed over",
        ),
    ),
    E(
        "backoffice:workspace",
        C(
            GET,
            at("/kantor/laporan/{code}/", "in_progress"),
            staff("dispatcher", "officer_a", "supervisor") | {"officer_b": 404},
            name="held",
        ),
        C(
            GET,
            at("/kantor/laporan/{code}/", "submitted"),
            staff("dispatcher", "supervisor") | {"officer_a": 404, "officer_b": 404},
            name="submitted",
        ),
        C(
            GET,
            at("/kantor/laporan/{code}/", "moved"),
            staff("dispatcher", "officer_b", "supervisor") | {"officer_a": 404, "sub_unit": 404},
            name="moved to B",
        ),
    ),
    E(
        "backoffice:act",
        C(
            POST,
            at("/kantor/laporan/{code}/aksi/note/", "in_progress"),
            staff("officer_a") | {"officer_b": 404},
            data=with_version("in_progress", text="Tim sudah ke lokasi."),
            name="agency note",
        ),
        C(
            POST,
            at("/kantor/laporan/{code}/aksi/accept/", "dispositioned"),
            staff("officer_a") | {"officer_b": 404},
            data=version("dispositioned"),
            name="agency accepts",
        ),
        C(
            POST,
            at("/kantor/laporan/{code}/aksi/disposition/", "submitted"),
            staff("dispatcher") | {"officer_a": 404, "officer_b": 404},
            data=lambda world, role: {
                "version": world.reports["submitted"].version,
                "agency": world.cast.agency_a.pk,
                "instruction": "Tangani.",
            },
            name="dispatcher disposition",
        ),
        C(
            POST,
            at("/kantor/laporan/{code}/aksi/propose_forward/", "in_progress"),
            staff("officer_a") | {"officer_b": 404},
            data=lambda world, role: {
                "version": world.reports["in_progress"].version,
                "contact": world.outside_contact,
                "text": "Kewenangan PDAM.",
            },
            name="agency proposes forwarding",
        ),
        C(
            POST,
            at("/kantor/laporan/{code}/aksi/recall_forward/", "forwarded"),
            staff("dispatcher") | {"officer_a": 404, "officer_b": 404},
            data=with_version("forwarded", reason="Salah alamat."),
            name="dispatcher recalls a forwarding",
        ),
        C(
            POST,
            at("/kantor/laporan/{code}/aksi/forward_remote/", "submitted"),
            # The dispatcher's turn reaches the action, which refuses a confidential report.
            staff("dispatcher") | {"dispatcher": 409, "officer_a": 404, "officer_b": 404},
            data=lambda world, role: {
                "version": world.reports["submitted"].version,
                "server": world.remote_server,
            },
            name="dispatcher forwards to another Open311 server",
        ),
        C(
            POST,
            at("/kantor/laporan/{code}/aksi/split/", "submitted"),
            staff("dispatcher") | {"officer_a": 404, "officer_b": 404},
            data=lambda world, role: {
                "version": world.reports["submitted"].version,
                "agency_1": world.cast.agency_a.pk,
                "agency_2": world.cast.agency_b.pk,
            },
            name="dispatcher splits a report",
        ),
        C(
            POST,
            at("/kantor/laporan/{code}/aksi/pass_down/", "in_progress"),
            staff("officer_a") | {"officer_b": 404},
            data=lambda world, role: {
                "version": world.reports["in_progress"].version,
                "sub_unit": world.sub_unit.pk,
                "note": "Mohon dicek.",
            },
            name="agency passes down to its sub-unit",
        ),
        C(
            POST,
            at("/kantor/laporan/{code}/aksi/take_back/", "passed"),
            staff("officer_a") | {"officer_b": 404, "sub_unit": 403},
            data=with_version("passed", text="Kami tangani."),
            name="agency takes back from its sub-unit",
        ),
        C(
            POST,
            at("/kantor/laporan/{code}/aksi/note/", "passed"),
            staff("officer_a") | {"officer_b": 404, "sub_unit": OK},
            data=with_version("passed", text="Tim UPT sudah ke lokasi."),
            name="sub-unit note",
        ),
        C(GET, at("/kantor/laporan/{code}/aksi/note/", "in_progress"), every(405)),
    ),
    E(
        "backoffice:attachment",
        C(
            GET,
            at("/kantor/laporan/{code}/lampiran/{attachment}/", "in_progress"),
            staff("dispatcher", "officer_a", "supervisor") | {"officer_b": 404},
        ),
    ),
    E(
        "backoffice:intake",
        C(GET, "/kantor/pengaduan-baru/", staff("dispatcher")),
        C(POST, "/kantor/pengaduan-baru/", staff("dispatcher"), data=intake_form),
    ),
    E("backoffice:audit", C(GET, "/kantor/audit/", staff("supervisor"))),
    E("backoffice:representatives", C(GET, "/kantor/rt-rw/", staff("dispatcher"))),
    E(
        "backoffice:set_representative",
        C(
            POST,
            at("/kantor/rt-rw/{other_citizen}/"),
            staff("dispatcher"),
            data={"is_representative": "1"},
        ),
        C(GET, at("/kantor/rt-rw/{other_citizen}/"), every(405)),
        note="Sysadmins set the flag in the Django admin.",
    ),
    # Statistics
    E("stats:dashboard", C(GET, "/kantor/statistik/", staff("dispatcher", "supervisor"))),
    E("stats:overdue", C(GET, "/kantor/statistik/terlambat/", staff("dispatcher", "supervisor"))),
    E("stats:evaluation", C(GET, "/kantor/statistik/evaluasi/", staff("dispatcher", "supervisor"))),
    E("stats:recurring", C(GET, "/kantor/statistik/berulang/", staff("dispatcher", "supervisor"))),
    E(
        "stats:evidence_pack",
        C(
            GET,
            "/kantor/statistik/evaluasi/paket-bukti/?dari=2026-03-01&sampai=2026-03-31&format=xlsx",
            staff("dispatcher", "supervisor"),
        ),
    ),
    E(
        "stats:evaluation_file",
        C(
            GET,
            at("/kantor/statistik/evaluasi/{evaluation}/"),
            staff("supervisor") | {"dispatcher": 404},
            name="the supervisor's file",
        ),
        note="Each file is its requester's.",
    ),
    # The Django admin
    E("admin:*", *admin_cases()),
    # Open311 GeoReport v2: no sessions; the credential is an application's api_key.
    E("open311-discovery", C(GET, "/open311/v2/discovery.json", every(OK))),
    E("open311-services", C(GET, "/open311/v2/services.xml", every(OK))),
    E("open311-service", C(GET, "/open311/v2/services/infrastruktur-jalan.json", every(OK))),
    E(
        "open311-requests",
        C(
            GET,
            "/open311/v2/requests.json",
            every(HIDDEN),
            subject="in_progress",
            name="confidential",
        ),
        C(GET, "/open311/v2/requests.json", every(SHOWN), subject="public", name="public"),
        C(
            GET,
            at("/open311/v2/requests.json?service_request_id={code}", "in_progress"),
            every(HIDDEN),
            subject="in_progress",
            name="confidential by id",
        ),
        C(
            POST,
            "/open311/v2/requests.json",
            every(403),
            data=open311_request(False),
            name="without api_key",
        ),
        C(
            POST,
            "/open311/v2/requests.json",
            every(OK),
            data=open311_request(True),
            name="with api_key",
        ),
    ),
    E(
        "open311-request",
        C(
            GET,
            at("/open311/v2/requests/{code}.json", "in_progress"),
            every(404),
            name="confidential",
        ),
        C(GET, at("/open311/v2/requests/{code}.json", "public"), every(OK), name="public"),
    ),
    E("open311-token", C(GET, at("/open311/v2/tokens/{open311_token}.json"), every(OK))),
    # Any other Open311 address, whatever the method (a 404 in the error document).
    E(
        "open311-unknown",
        C(GET, "/open311/v2/tidak-ada.xml", every(404)),
        C(POST, "/open311/v2/tidak-ada.json", every(404)),
    ),
    # SMS gateway webhook: only a signed request gets in, whoever is logged in.
    E(
        "sms-webhook",
        C(
            POST,
            "/sms/webhook",
            every(401),
            data={"from": "+6281339100011", "text": "LAPOR jalan"},
            body="json",
        ),
        C(GET, "/sms/webhook", every(405)),
    ),
    # WhatsApp Cloud API webhook: a POST signed with the app secret, or Meta's GET handshake with
    # the verify token; nothing else, whoever is logged in.
    E(
        "whatsapp-webhook",
        C(POST, "/whatsapp/webhook", every(401), data={"object": "x", "entry": []}, body="json"),
        C(
            GET,
            "/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1",
            every(403),
        ),
    ),
    # JSON API v1: the document and its page, and the catch-all for unknown addresses
    E("api:openapi-json", C(GET, "/api/v1/openapi.json", every(OK))),
    E("api:openapi-view", C(GET, "/api/v1/docs", every(OK))),
    E("api:api-root", C(GET, "/api/v1/", every(404))),
    E("api/v1/^.*$", C(GET, "/api/v1/tidak-ada", every(404))),
    # accounts
    E(
        "api:create_token",
        C(POST, "/api/v1/auth/tokens", roles(OK, public=401), data=own_credentials, body="json"),
        note="Each role sends its own password; the public an unknown account.",
    ),
    E("api:list_tokens", C(GET, "/api/v1/auth/tokens", signed_in(public=401))),
    E(
        "api:revoke_token",
        C(
            DELETE,
            at("/api/v1/auth/tokens/{citizen_token_id}"),
            roles(404, public=401, citizen=OK),
            name="the citizen's token",
        ),
    ),
    E(
        "api:register",
        C(
            POST,
            "/api/v1/register",
            every(OK),
            body="json",
            data={
                "username": "warga.baru",
                "full_name": "Warga Baru",
                "email": "warga.baru@contoh.id",
                "password": "sumbawa-sabalong-samalewa",
            },
        ),
    ),
    E("api:me", C(GET, "/api/v1/me", signed_in(public=401))),
    E(
        "api:get_channels",
        C(GET, "/api/v1/me/notification-channels", signed_in(public=401)),
    ),
    E(
        "api:put_channels",
        C(
            PUT,
            "/api/v1/me/notification-channels",
            signed_in(public=401),
            body="json",
            data={"channels": ["in_app", "email"]},
        ),
    ),
    E(
        "api:update_me",
        C(PATCH, "/api/v1/me", signed_in(public=401), body="json", data={"full_name": "Nama Baru"}),
    ),
    # Each role changes its own account only, with its own current password (issue 11 §3).
    E(
        "api:change_email",
        C(
            POST,
            "/api/v1/me/email",
            signed_in(public=401),
            body="json",
            data={"email": "alamat.baru@contoh.id", "password": PASSWORD},
        ),
    ),
    E(
        "api:change_password",
        C(
            POST,
            "/api/v1/me/password",
            signed_in(public=401),
            body="json",
            data={"current_password": PASSWORD, "new_password": "Sumbawa-baru-2026!"},
        ),
    ),
    # Personal data rights (UU 27/2022): citizens only, each for their own account.
    E(
        "api:personal_data",
        C(
            POST,
            "/api/v1/me/personal-data",
            staff(*CITIZENS, denied=403, public=401),
            body="json",
            data={"password": PASSWORD},
        ),
    ),
    E(
        "api:erasure_request",
        C(
            POST,
            "/api/v1/me/erasure-request",
            staff(*CITIZENS, denied=403, public=401),
            body="json",
            data={"password": PASSWORD, "understood": True},
        ),
    ),
    E(
        "api:withdraw_erasure_request",
        C(
            DELETE,
            "/api/v1/me/erasure-request",
            staff(*CITIZENS, denied=403, public=401),
        ),
    ),
    E(
        "api:start_verification",
        C(
            POST,
            "/api/v1/me/phone/verification",
            signed_in(REACHED, public=401),
            body="json",
            data={"phone": "+6281339100099"},
        ),
    ),
    E(
        "api:confirm_verification",
        C(
            POST,
            "/api/v1/me/phone/verification/confirm",
            signed_in(REACHED, public=401),
            body="json",
            data={"code": "123456"},
        ),
    ),
    # master data
    E("api:categories", C(GET, "/api/v1/categories", every(OK))),
    E("api:agencies", C(GET, "/api/v1/agencies", every(OK))),
    E("api:regions", C(GET, "/api/v1/regions", every(OK))),
    # reports
    E(
        "api:list_reports",
        C(
            GET,
            "/api/v1/reports",
            report_page(SHOWN, public=401)
            | {"other_citizen": HIDDEN, "officer_b": HIDDEN, "sysadmin": HIDDEN},
            subject="in_progress",
        ),
    ),
    E("api:file_report", C(POST, "/api/v1/reports", signed_in(public=401), data=api_report_form)),
    E(
        "api:read_report",
        C(GET, at("/api/v1/reports/{code}", "in_progress"), report_page(public=401), name="held"),
        C(
            GET,
            at("/api/v1/reports/{code}", "moved"),
            report_page(public=401, held=False) | {"officer_b": OK, "sub_unit": 404},
            name="moved to B",
        ),
    ),
    E(
        "api:attachment",
        C(
            GET,
            at("/api/v1/reports/{code}/attachments/{attachment}", "in_progress"),
            report_page(public=401),
            name="confidential",
        ),
        C(
            GET,
            at("/api/v1/reports/{code}/attachments/{attachment}", "public"),
            signed_in(public=401),
            name="public",
        ),
    ),
    # the dispatcher's actions
    E(
        "api:return_report",
        C(
            POST,
            at("/api/v1/reports/{code}/return", "submitted"),
            api_dispatcher_action(),
            body="json",
            data={"text": "Lengkapi lokasi."},
        ),
    ),
    E(
        "api:disposition",
        C(
            POST,
            at("/api/v1/reports/{code}/disposition", "submitted"),
            api_dispatcher_action(),
            body="json",
            data={"agency": "pupr", "instruction": "Tangani."},
        ),
    ),
    E(
        "api:redisposition",
        C(
            POST,
            at("/api/v1/reports/{code}/redisposition", "dispositioned"),
            api_agency_action() | {"officer_a": 403, "dispatcher": OK},
            body="json",
            data={"agency": "dinkes"},
        ),
    ),
    E(
        "api:archive",
        C(
            POST,
            at("/api/v1/reports/{code}/archive", "submitted"),
            api_dispatcher_action(),
            body="json",
            data={"reason": "spam"},
        ),
    ),
    E(
        "api:merge",
        C(
            POST,
            at("/api/v1/reports/{code}/merge", "submitted"),
            api_dispatcher_action(),
            body="json",
            data=lambda world, role: {"into": world.code("duplicate_target")},
        ),
    ),
    E(
        "api:dispatcher_note",
        C(
            POST,
            at("/api/v1/reports/{code}/dispatcher-note", "submitted"),
            api_dispatcher_action(),
            body="json",
            data={"text": "Cek ke desa."},
        ),
    ),
    E(
        "api:reclassify",
        C(
            POST,
            at("/api/v1/reports/{code}/reclassify", "submitted"),
            api_dispatcher_action(),
            body="json",
            data={"classification": "aspiration"},
        ),
    ),
    E(
        "api:set_priority",
        C(
            POST,
            at("/api/v1/reports/{code}/priority", "submitted"),
            api_dispatcher_action(),
            body="json",
            data={"priority": "urgent"},
        ),
    ),
    E(
        "api:hold",
        C(
            POST,
            at("/api/v1/reports/{code}/hold", "submitted"),
            api_dispatcher_action(),
            body="json",
            data={"reason": "Menunggu cek lapangan."},
        ),
    ),
    E(
        "api:split",
        C(
            POST,
            at("/api/v1/reports/{code}/split", "submitted"),
            api_dispatcher_action(),
            body="json",
            data={"parts": [{"agency": "pupr"}, {"agency": "dinkes"}]},
        ),
    ),
    E(
        "api:reopen_part",
        C(
            POST,
            at("/api/v1/reports/{code}/reopen-part", "responded"),
            report_page(403, public=401) | {"dispatcher": REACHED},
            body="json",
            data={"reason": "Lampirkan foto yang jelas."},
        ),
        note="A report that is no part: the dispatcher gets 409 (tests/test_split.py reopens one).",
    ),
    E(
        "api:resume",
        C(
            POST,
            at("/api/v1/reports/{code}/resume", "submitted"),
            api_dispatcher_action() | {"dispatcher": REACHED},
            body="json",
            data={},
        ),
        note="A report not on hold: the dispatcher gets 409 (tests/test_hold.py resumes one).",
    ),
    E(
        "api:approve_answer",
        C(
            POST,
            at("/api/v1/reports/{code}/answer/approve", "in_progress"),
            report_page(403, public=401),
            body="json",
            data={},
        ),
        note="Only an approver of the holding agency, with a draft waiting "
        "(tests/test_answer_approval.py).",
    ),
    E(
        "api:return_answer",
        C(
            POST,
            at("/api/v1/reports/{code}/answer/return", "in_progress"),
            report_page(403, public=401),
            body="json",
            data={"reason": "Sebutkan tanggalnya."},
        ),
    ),
    E(
        "api:sub_units",
        C(GET, at("/api/v1/reports/{code}/sub-units", "in_progress"), api_agency_action()),
        C(
            GET,
            at("/api/v1/reports/{code}/sub-units", "passed"),
            api_agency_action() | {"sub_unit": 403},
            name="passed down",
        ),
        note="Only officers of the agency holding the report (not its sub-units).",
    ),
    E(
        "api:pass_down",
        C(
            POST,
            at("/api/v1/reports/{code}/sub-unit", "in_progress"),
            api_agency_action(),
            body="json",
            data=lambda world, role: {"sub_unit": world.sub_unit.pk, "note": "Mohon dicek."},
        ),
    ),
    E(
        "api:take_back",
        C(
            POST,
            at("/api/v1/reports/{code}/sub-unit/take-back", "passed"),
            api_agency_action() | {"sub_unit": 403},
            body="json",
            data={"text": "Kami tangani."},
        ),
    ),
    E(
        "api:close",
        C(
            POST,
            at("/api/v1/reports/{code}/close", "in_progress"),
            api_agency_action() | {"officer_a": 403, "dispatcher": OK},
            body="json",
            data={"reason": "Sudah selesai di lapangan."},
        ),
    ),
    # the agency's actions
    E(
        "api:accept",
        C(
            POST,
            at("/api/v1/reports/{code}/accept", "dispositioned"),
            api_agency_action(),
            body="json",
            data={},
        ),
    ),
    E(
        "api:decline",
        C(
            POST,
            at("/api/v1/reports/{code}/decline", "dispositioned"),
            api_agency_action(),
            body="json",
            data={"reason": "Bukan kewenangan kami."},
        ),
    ),
    E(
        "api:assign",
        C(
            POST,
            at("/api/v1/reports/{code}/assign", "dispositioned"),
            api_agency_action(),
            body="json",
            data=lambda world, role: {"officer": world.cast.officer_a.username},
        ),
        # Permission before input: otherwise anyone who sees the report learns, by 422 or 403, which
        # usernames are officers of the agency holding it.
        C(
            POST,
            at("/api/v1/reports/{code}/assign", "dispositioned"),
            api_agency_action() | {"officer_a": 422},
            body="json",
            data=lambda world, role: {"officer": world.cast.officer_b.username},
            name="officer of another agency",
        ),
    ),
    E(
        "api:note",
        C(
            POST,
            at("/api/v1/reports/{code}/note", "in_progress"),
            api_agency_action(),
            body="json",
            data={"text": "Tim ke lokasi besok."},
        ),
    ),
    E(
        "api:request_info",
        C(
            POST,
            at("/api/v1/reports/{code}/request-info", "in_progress"),
            api_agency_action(),
            body="json",
            data={"text": "Kirim foto."},
        ),
    ),
    E(
        "api:answer",
        C(
            POST,
            at("/api/v1/reports/{code}/answer", "in_progress"),
            api_agency_action(),
            body="json",
            # Not "done": a road's "done" needs a photo of the result (issue 15), not under test
            # here.
            data={
                "text": "Ruas ini jalan nasional.",
                "outcome": "cannot",
                "responsible_body": "Balai Pelaksanaan Jalan Nasional NTB",
            },
        ),
    ),
    E(
        "api:request_extension",
        C(
            POST,
            at("/api/v1/reports/{code}/extension", "in_progress"),
            api_agency_action(),
            body="json",
            data={"working_days": 3, "reason": "Menunggu material."},
        ),
    ),
    E(
        "api:decide_extension",
        C(
            POST,
            at("/api/v1/reports/{code}/extension/decision", "in_progress"),
            report_page(403, public=401) | {"supervisor": REACHED},
            body="json",
            data={"approve": False, "note": "Tidak cukup alasan."},
        ),
        note="Only a supervisor decides; with no request waiting the answer is 409.",
    ),
    # the reporter's actions
    E(
        "api:resubmit",
        C(
            POST,
            at("/api/v1/reports/{code}/resubmit", "returned"),
            api_reporter_action(held=False),
            body="json",
            data={"text": "Lokasi dilengkapi.", "address": "Jalan Garuda 3"},
        ),
    ),
    E(
        "api:provide_info",
        C(
            POST,
            at("/api/v1/reports/{code}/provide-info", "paused"),
            api_reporter_action(),
            body="json",
            data={"text": "Foto menyusul."},
        ),
    ),
    E(
        "api:verdict",
        C(
            POST,
            at("/api/v1/reports/{code}/verdict", "responded"),
            api_reporter_action(),
            body="json",
            data={"satisfied": True, "rating": 4},
        ),
    ),
    E(
        "api:hand_over_to_ombudsman",
        C(
            POST,
            at("/api/v1/reports/{code}/ombudsman", "in_progress"),
            report_page(403, public=401) | dict.fromkeys(OWNERS, REACHED),
            body="json",
            data={"consent": True},
        ),
        note="Not past its limit: the reporter gets 409 (tests/api/test_api_ombudsman.py hands "
        "one over).",
    ),
    E(
        "api:ombudsman_case_file",
        C(
            GET,
            at("/api/v1/reports/{code}/ombudsman/case-file", "handed_over"),
            report_page(public=401),
            name="handed over",
        ),
        C(
            GET,
            at("/api/v1/reports/{code}/ombudsman/case-file", "in_progress"),
            report_page(404, public=401),
            name="not handed over",
        ),
    ),
    E(
        "api:support",
        C(
            POST,
            at("/api/v1/reports/{code}/support", "public"),
            # Its reporter, and the RT/RW who filed it, may not support it (`do_support`).
            {**signed_in(public=401), "citizen": 403, "representative": 403},
            body="json",
            name="public",
        ),
        C(
            POST,
            at("/api/v1/reports/{code}/support", "in_progress"),
            report_page(409, public=401),
            body="json",
            name="confidential",
        ),
    ),
    # staff
    E(
        "api:queue",
        C(
            GET,
            "/api/v1/staff/queue",
            roles(403, public=401, dispatcher=SHOWN),
            subject="submitted",
        ),
    ),
    E(
        "api:inbox",
        C(
            GET,
            "/api/v1/staff/inbox",
            roles(403, public=401, officer_a=SHOWN, officer_b=HIDDEN),
            subject="in_progress",
        ),
    ),
    E(
        "api:dashboard",
        C(
            GET,
            "/api/v1/staff/dashboard",
            staff("dispatcher", "supervisor", "officer_a", "officer_b", public=401),
        ),
    ),
    # public
    E(
        "api:feed",
        C(GET, "/api/v1/public/reports", every(HIDDEN), subject="in_progress", name="confidential"),
        C(GET, "/api/v1/public/reports", every(SHOWN), subject="public", name="public"),
    ),
    E(
        "api:public_report",
        C(GET, at("/api/v1/public/reports/{code}", "in_progress"), every(404), name="confidential"),
        C(GET, at("/api/v1/public/reports/{code}", "public"), every(OK), name="public"),
    ),
    E("api:statistics", C(GET, "/api/v1/public/statistics", every(OK))),
    # The signed event feed's replay: only a subscription's key opens it; a session opens nothing.
    E("feed:replay", C(GET, "/integrasi/peristiwa/?since=0", every(401))),
    # Outside parties: the link page answers only to the holder of the link it was sent.
    E(
        "forwarding:link",
        C(GET, outside_link, every(404) | {"outside": OK}, per_role=True),
        C(
            POST,
            outside_link,
            every(404) | {"outside": OK},
            per_role=True,
            data={"action": "question", "text": "Di sebelah mana tepatnya?"},
            name="question",
        ),
        C(
            POST,
            outside_link,
            every(404) | {"outside": OK},
            per_role=True,
            data={"action": "answer", "text": "Pipa sudah diganti."},
            name="answer",
        ),
    ),
    # notifications
    E("api:notifications", C(GET, "/api/v1/notifications", signed_in(public=401))),
    E(
        "api:mark_read",
        C(
            POST,
            at("/api/v1/notifications/{notification}/read"),
            roles(404, public=401, citizen=OK),
            body="json",
            name="the citizen's notification",
        ),
    ),
)

# Patterns grouped under one entry, with the reason.
GROUPS = {
    "admin:*": (
        "admin/",
        "The Django admin is one site with one rule (is_staff: the sysadmin); its cases are "
        "generated from the registered ModelAdmins.",
    ),
}
# Patterns deliberately left out of the matrix, with the reason. Keep it empty unless there is one.
EXCLUDED: dict[str, str] = {}


def entries(matrix=MATRIX) -> dict[str, Entry]:
    """The table by key, refusing a duplicate key or a case that leaves a role undecided."""
    table = {}
    for entry in matrix:
        assert entry.key not in table, f"two entries for {entry.key}"
        for case in entry.cases:
            missing = set(ROLES) - set(case.expect)
            assert not missing, (
                f"{entry.key} {case.method} {case.name}: no decision for {sorted(missing)}"
            )
        table[entry.key] = entry
    return table


def payload(case: Case, world: World, role: str):
    data = case.data(world, role) if callable(case.data) else (case.data or {})
    return json.dumps(data) if case.body == "json" else data
