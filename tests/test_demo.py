"""The demo data set shows every feature (DESIGN §10) and is never loaded in production.

The demo is seeded once for the module (it takes seconds); each test runs in its own savepoint."""

import datetime as dt
import io
import time
from collections import Counter

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from aduan.accounts import mfa_secrets
from aduan.accounts.models import Role, User
from aduan.audit.models import Receipt
from aduan.feed.models import FeedEvent
from aduan.forwarding.models import Forwarding
from aduan.notifications.models import Notification
from aduan.reports import sla
from aduan.reports.models import (
    Attachment,
    Channel,
    Disposition,
    EventKind,
    Report,
    Status,
    TimelineEvent,
)
from aduan.triage.models import RoutingModel
from tests.conftest import built_once_per_module
from tests.totp import totp

pytestmark = pytest.mark.django_db


def _seed():
    """The moment seeding began."""
    started = timezone.now()
    call_command("seed_demo", stdout=io.StringIO())
    return started


demo = built_once_per_module(_seed)


def test_it_creates_the_demo_accounts_with_the_documented_password(demo):
    roles = {
        "dispatcher": Role.DISPATCHER,
        "agency-pupr": Role.OFFICER,
        "agency-inspektorat": Role.OFFICER,
        "supervisor": Role.SUPERVISOR,
        "warga": Role.CITIZEN,
        "rt01": Role.CITIZEN,
        "sysadmin": Role.SYSADMIN,
    }
    for username, role in roles.items():
        user = User.objects.get(username=username)
        assert user.role == role and user.check_password("aduan-demo")
    assert User.objects.get(username="agency-pupr").agency.code == "pupr"
    assert User.objects.get(username="rt01").is_representative
    assert User.objects.get(username="sysadmin").is_staff


def test_it_has_reports_in_every_status_and_zone(demo):
    statuses = Counter(Report.objects.values_list("status", flat=True))
    assert set(statuses) == set(Status.values)
    assert Report.objects.filter(status=Status.SPLIT, parts__isnull=False).distinct().count() == 1
    assert sum(statuses.values()) >= 36
    zones = {sla.zone(r) for r in Report.objects.filter(due_at__isnull=False)}
    assert zones == {sla.Zone.GREEN, sla.Zone.YELLOW, sla.Zone.RED, sla.Zone.PAUSED}


def test_it_shows_the_features_a_reviewer_looks_for(demo):
    hidden = Report.objects.filter(anonymous=True, confidential=True, agency__isnull=False)
    assert set(hidden.values_list("agency__code", flat=True)) >= {"pupr", "inspektorat"}
    assert (
        Report.objects.filter(channel=Channel.REPRESENTATIVE, filed_by__username="rt01").count()
        >= 3
    )
    assert Report.objects.filter(reopen_count__gt=0, status=Status.CLOSED).exists()
    assert Report.objects.filter(reopen_count__gt=0, status=Status.IN_PROGRESS).exists()
    assert Report.objects.filter(rating__isnull=False).count() >= 8
    assert Report.objects.filter(merged_into__isnull=False).count() >= 2
    assert Report.objects.filter(archive_reason="out_of_authority").exists()
    assert Report.objects.filter(events__kind=EventKind.AUTO_CLOSED).exists()
    assert Report.objects.filter(events__kind=EventKind.AUTO_ARCHIVED).exists()
    assert Report.objects.filter(events__kind=EventKind.DECLINED).exists()
    asking = Report.objects.filter(category__code__in=["infrastruktur-jalan", "sosial-bansos"])
    assert asking.exists()
    for report in asking:
        required = report.category.questions.filter(required=True).values_list("code", flat=True)
        assert set(required) <= set(report.extra_answers)
    first, last = (
        Report.objects.order_by("submitted_at")[0],
        Report.objects.order_by("-submitted_at")[0],
    )
    assert (
        last.submitted_at - first.submitted_at
    ).days >= 35  # a few weeks of history for the trend


def test_a_later_step_never_gets_an_earlier_moment():
    """`_moment` at every hour of a week of seeds (in the configured time zone, in which it moves
    weekend steps): a step with fewer days ago is never placed before one with more."""
    from aduan.demo.seeding import _moment

    monday = dt.datetime(2026, 12, 7, 0, 0, 2, tzinfo=timezone.get_current_timezone())
    steps = [11.0, 10.0, 3.0, 2.5, 2.0, 1.5, 1.0, 0.5, 0.25]
    for hour in range(7 * 24):
        now = monday + dt.timedelta(hours=hour)
        moments = [_moment(now, days_ago) for days_ago in steps]
        assert moments == sorted(moments), now


def test_every_timeline_is_in_order_and_consistent(demo):
    for report in Report.objects.prefetch_related("events"):
        events = list(report.events.all())
        # A part of a split report begins as a part (issue 16), every other report as filed.
        first = EventKind.PART_CREATED if report.parent_id else EventKind.SUBMITTED
        assert events[0].kind == first
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)
        status_changes = [e for e in events if e.to_status and e.to_status != e.from_status]
        if status_changes:
            assert status_changes[-1].to_status == report.status


def test_the_history_carries_its_own_moments_not_the_time_it_was_seeded(demo):
    """Each step runs on the demo's stopped clock (aduan/demo/clock.py) at a moment whole minutes
    from the seed's `now` (a few steps of a Monday-morning seed land just after it). A step that
    read the real clock instead (`time.time()`, a `default=timezone.now` field) would leave a time
    after seeding began that is not whole minutes from the others."""
    started = demo
    times = {
        TimelineEvent: "created_at",
        Report: "submitted_at",
        Disposition: "created_at",
        Attachment: "created_at",
        Notification: "created_at",
        Forwarding: "created_at",
        Receipt: "issued_at",
        FeedEvent: "created_at",
    }
    since_seeding = set()
    for model, field in times.items():
        rows = model.objects.filter(**{f"{field}__gte": started})
        since_seeding |= set(rows.values_list(field, flat=True))
    assert since_seeding  # the sweeps, the split, the hand-over: at the seed's `now`
    assert len({(t.second, t.microsecond) for t in since_seeding}) == 1, sorted(since_seeding)


def test_seeding_again_adds_nothing(demo, capsys):
    count = Report.objects.count()
    call_command("seed_demo")
    assert "0 laporan demo baru" in capsys.readouterr().out
    assert Report.objects.count() == count
    assert RoutingModel.objects.count() == 1  # no second routing model either


def test_it_refuses_production(settings):
    settings.PRODUCTION = True
    accounts, reports = User.objects.count(), Report.objects.count()
    with pytest.raises(CommandError, match="produksi"):
        call_command("seed_demo")
    assert (User.objects.count(), Report.objects.count()) == (accounts, reports)


def test_demo_citizens_can_file_at_once_their_niks_valid(demo):
    from aduan.accounts import nik

    for username in ("warga", "warga2", "warga3", "rt01"):
        user = User.objects.get(username=username)
        assert user.profile_complete, username
        nik.check_nik(user.nik, birth_date=user.birth_date, sex=user.sex)
        assert user.nik_masked.startswith(user.nik[:6]) and "•" in user.nik_masked


def test_seeding_the_demo_trains_a_routing_model_and_the_workspace_suggests(demo, client):
    """`make run` seeds a routing model (issue 13): suggestions appear in the demo's workspace."""
    assert RoutingModel.objects.count() == 1
    waiting = Report.objects.filter(status=Status.SUBMITTED).first()
    client.force_login(User.objects.get(username="dispatcher"))
    page = client.get(f"/kantor/laporan/{waiting.code}/").content.decode()
    assert "Belum ada model" not in page
    assert 'class="triage-model"' in page


def test_demo_staff_have_the_documented_demo_authenticator(demo, client, capsys):
    from aduan.demo.accounts import DEMO_TOTP_SECRET

    for username in ["dispatcher", "agency-pupr", "supervisor", "sysadmin"]:
        assert Authenticator.objects.filter(
            user__username=username, type=Authenticator.Type.TOTP
        ).exists()
    assert not Authenticator.objects.filter(user__username__in=["warga", "rt01"]).exists()
    # The published demo secret is stored encrypted like any other (aduan/accounts/mfa_secrets.py).
    stored = Authenticator.objects.get(
        user__username="dispatcher", type=Authenticator.Type.TOTP
    ).data["secret"]
    assert stored.startswith(mfa_secrets.PREFIX) and DEMO_TOTP_SECRET not in stored.upper()
    call_command("demo_totp_code")
    printed = capsys.readouterr().out.strip()
    assert printed in {totp(DEMO_TOTP_SECRET, time.time() + d) for d in (-30, 0)}
    client.post("/masuk/", {"login": "dispatcher", "password": "aduan-demo"})
    assert (
        client.post("/akun/2fa/authenticate/", {"code": totp(DEMO_TOTP_SECRET)}).status_code == 302
    )
    assert client.get("/kantor/antrean/").status_code == 200


def test_it_shows_a_hold_and_an_answer_waiting_for_approval(demo):
    held = Report.objects.get(status=Status.ON_HOLD)
    assert held.events.filter(kind=EventKind.HELD).exists()
    waiting = Report.objects.get(pending_answer__isnull=False)
    assert waiting.agency.code == "pupr" and waiting.status == Status.IN_PROGRESS
    assert waiting.agency.answer_approvers.filter(username="kepala-pupr").exists()


def test_it_shows_a_report_handed_over_to_the_ombudsman(demo):
    handed = Report.objects.get(ombudsman_at__isnull=False)
    assert handed.status == Status.IN_PROGRESS and handed.overdue_since is not None
    assert handed.events.filter(kind=EventKind.OMBUDSMAN, actor=handed.reporter).exists()
