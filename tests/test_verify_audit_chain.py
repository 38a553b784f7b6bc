import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from aduan.audit.models import AppendOnly, AuditEntry
from aduan.reports import actions, errors
from aduan.reports.models import EventKind, Status
from tests.conftest import report_in

pytestmark = pytest.mark.django_db


def _chain(cast):
    report = report_in(cast, Status.IN_PROGRESS)
    actions.do_add_note(report, actor=cast.officer_a, text="Tim survei ke lokasi.")
    return report


def test_it_writes_one_audit_row_per_action_in_the_actions_transaction(cast):
    report = _chain(cast)
    kinds = list(
        AuditEntry.objects.filter(report_code=report.code)
        .order_by("id")
        .values_list("action", "actor_name")
    )
    assert kinds == [
        (EventKind.SUBMITTED, "warga-uji"),
        (EventKind.DISPOSITIONED, "dispatcher-uji"),
        (EventKind.ACCEPTED, "petugas-pupr"),
        (EventKind.NOTE, "petugas-pupr"),
    ]


def test_it_rolls_back_the_audit_row_with_a_refused_action(cast):
    report = report_in(cast, Status.SUBMITTED)
    before = AuditEntry.objects.count()
    with pytest.raises(errors.ActionError):
        actions.do_accept(report, actor=cast.officer_a)
    assert AuditEntry.objects.count() == before


def test_it_says_an_intact_chain_is_intact(cast, capsys):
    _chain(cast)
    call_command("verify_audit_chain")
    # The reports' four rows and the rows of the cast's staff accounts (role, second factor).
    assert f"Jejak audit utuh: {AuditEntry.objects.count()} entri." in capsys.readouterr().out


def test_it_detects_an_edited_row(cast):
    _chain(cast)
    victim = AuditEntry.objects.order_by("id")[1]
    with connection.cursor() as cursor:  # behind the application's back, as an intruder would
        cursor.execute(
            "UPDATE audit_auditentry SET actor_name = %s WHERE id = %s", ["orang-lain", victim.pk]
        )
    with pytest.raises(CommandError, match="RUSAK"):
        call_command("verify_audit_chain")


def test_it_detects_a_deleted_row_in_the_middle(cast):
    _chain(cast)
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [ids[1]])
    with pytest.raises(CommandError, match="RUSAK"):
        call_command("verify_audit_chain")


def test_it_detects_the_newest_row_deleted(cast):
    _chain(cast)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM audit_auditentry WHERE id = %s", [AuditEntry.objects.order_by("-id")[0].pk]
        )
    with pytest.raises(CommandError, match="RUSAK"):
        call_command("verify_audit_chain")


def test_it_refuses_changes_through_the_orm(cast):
    _chain(cast)
    entry = AuditEntry.objects.first()
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().update(action="x")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()


def test_the_nightly_task_counts_the_problems(cast):
    from aduan.audit.tasks import verify_audit_chain_nightly

    _chain(cast)
    assert verify_audit_chain_nightly.call_local() == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET detail = %s WHERE id = %s",
            ['{"to": "closed"}', AuditEntry.objects.order_by("id")[0].pk],
        )
    assert verify_audit_chain_nightly.call_local() >= 1


def _reports_on_two_chains(cast):
    from aduan.audit.trail import CHAINS

    first = _chain(cast)
    second = report_in(cast, Status.SUBMITTED)
    while second.pk % CHAINS == first.pk % CHAINS:  # ids are consecutive: at most a few tries
        second = report_in(cast, Status.SUBMITTED)
    return first, second


def test_each_report_is_chained_on_its_own_chain_and_every_chain_verifies(cast, capsys):
    from aduan.audit.models import AuditHead
    from aduan.audit.trail import CHAINS

    first, second = _reports_on_two_chains(cast)
    for report in (first, second):
        chains = set(
            AuditEntry.objects.filter(report_code=report.code).values_list("chain", flat=True)
        )
        assert chains == {report.pk % CHAINS}
        entries = list(AuditEntry.objects.filter(chain=report.pk % CHAINS).order_by("id"))
        assert entries[0].prev_hash == "0" * 64
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
        head = AuditHead.objects.get(pk=report.pk % CHAINS + 1)
        assert (head.last_id, head.last_hash, head.count) == (
            entries[-1].pk,
            entries[-1].hash,
            len(entries),
        )
    call_command("verify_audit_chain")
    assert f"Jejak audit utuh: {AuditEntry.objects.count()} entri." in capsys.readouterr().out


def test_it_detects_a_row_moved_to_another_chain(cast):
    from aduan.audit.trail import CHAINS

    first, second = _reports_on_two_chains(cast)
    moved = AuditEntry.objects.filter(report_code=second.code).order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET chain = %s WHERE id = %s", [first.pk % CHAINS, moved.pk]
        )
    with pytest.raises(CommandError, match="RUSAK"):
        call_command("verify_audit_chain")


def test_it_detects_the_newest_row_of_one_chain_deleted(cast):
    first, _second = _reports_on_two_chains(cast)
    newest_of_first = AuditEntry.objects.filter(report_code=first.code).order_by("-id").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [newest_of_first.pk])
    with pytest.raises(CommandError, match="RUSAK"):
        call_command("verify_audit_chain")
