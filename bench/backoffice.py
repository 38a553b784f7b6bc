"""Back-office pages against many reports: time and query count of the queue, the list, the
dashboard, the exports and the evaluation report.

    DATABASE_URL=postgres://... ADUAN_ENV=development python bench/backoffice.py 3000

Builds its reports through the real actions, spread over the past year (time-machine), in the
database it is given (never run it against a production database).
"""

import datetime as dt
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")

import django

django.setup()

import time_machine  # noqa: E402
from allauth.mfa.totp.internal.auth import generate_totp_secret  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from aduan.accounts.mfa import give_totp, has_totp, is_staff_account  # noqa: E402
from aduan.accounts.models import Role, User  # noqa: E402
from aduan.directory.models import Agency, Category, Region  # noqa: E402
from aduan.reports import actions  # noqa: E402
from aduan.reports.models import Report  # noqa: E402


def user(name, role, agency=None):
    u, _ = User.objects.get_or_create(
        username=f"bench-{name}", defaults={"role": role, "agency": agency}
    )
    if is_staff_account(u) and not has_totp(u):
        give_totp(u, generate_totp_secret())  # staff need an authenticator app (STAFF_MFA_REQUIRED)
    return u


def build(n):
    random.seed(4)
    dispatcher = user("dispatcher", Role.DISPATCHER)
    citizen = user("warga", Role.CITIZEN)
    agencies = list(Agency.objects.filter(is_active=True)[:8])
    officers = {a.pk: user(f"officer-{a.code}", Role.OFFICER, a) for a in agencies}
    categories = list(Category.objects.filter(is_active=True)[:20])
    villages = list(Region.objects.filter(level=4, parent__parent_id="52.04")[:40])
    now = timezone.now()
    for i in range(n):
        moment = now - dt.timedelta(days=random.uniform(1, 365))
        village = random.choice(villages)
        with time_machine.travel(moment, tick=False):
            report, _ = actions.do_file_report(
                reporter=citizen,
                title=f"Laporan uji {i}",
                description="Uraian kejadian untuk pengujian beban.",
                category=random.choice(categories),
                district=village.parent,
                village=village,
                anonymous=random.random() < 0.2,
            )
            step = random.random()
            if step < 0.15:
                continue
            agency = random.choice(agencies)
            actions.do_disposition(report, agency, actor=dispatcher, instruction="Tindak lanjuti.")
        if step < 0.3:
            continue
        with time_machine.travel(
            min(moment + dt.timedelta(days=random.uniform(0, 6)), now), tick=False
        ):
            actions.do_accept(report, actor=officers[agency.pk])
        if step < 0.5:
            continue
        with time_machine.travel(
            min(moment + dt.timedelta(days=random.uniform(6, 30)), now), tick=False
        ):
            actions.do_answer(report, actor=officers[agency.pk], text="Sudah ditangani.")


def measure(client, url, consume=False):
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url)
        if consume and hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    print(f"{url:70s} {elapsed * 1000:8.0f} ms {len(ctx.captured_queries):4d} queries")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    call_command("migrate", verbosity=0)
    if not Agency.objects.exists():
        call_command("load_master_data", verbosity=0)
    have = Report.objects.filter(title__startswith="Laporan uji").count()
    if have < n:
        start = time.perf_counter()
        build(n - have)
        print(f"built {n - have} reports in {time.perf_counter() - start:.0f} s")
    print(f"{Report.objects.count()} reports in the database ({connection.vendor})")
    client = Client()
    client.force_login(User.objects.get(username="bench-dispatcher"))
    today = timezone.localdate()
    year = f"dari={today - dt.timedelta(days=365)}&sampai={today}"
    for url in [
        "/kantor/antrean/",
        "/kantor/laporan/?status=open",
        f"/kantor/statistik/?{year}",
        "/kantor/statistik/terlambat/",
    ]:
        measure(client, url)
    measure(client, "/kantor/laporan/?format=csv", consume=True)
    measure(client, "/kantor/laporan/?format=xlsx")
    measure(client, f"/kantor/statistik/evaluasi/?bulan={today:%Y-%m}&format=pdf")


if __name__ == "__main__":
    main()
