import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from aduan.audit.models import AppendOnly, AuditEntry
from aduan.reports import actions
from aduan.reports.models import EventKind, Status
from tests.conftest import report_in

pytestmark = pytest.mark.django_db


def _chain(cast):
    report = report_in(cast, Status.IN_PROGRESS)
    actions.do_add_note(report, actor=cast.officer_a, text="Tim survei ke lokasi.")
    return report


def test_it_writes_one_audit_row_per_action_in_the_actions_transaction(cast):
    report = _chain(cast)
    kinds = list(AuditEntry.objects.filter(report_code=report.code).order_by("id").values_list("action", "actor_name"))
    assert kinds == [
        (EventKind.SUBMITTED, "warga-uji"), (EventKind.DISPOSITIONED, "dispatcher-uji"),
        (EventKind.ACCEPTED, "petugas-pupr"), (EventKind.NOTE, "petugas-pupr"),
    ]


def test_it_rolls_back_the_audit_row_with_a_refused_action(cast):
    report = report_in(cast, Status.SUBMITTED)
    before = AuditEntry.objects.count()
    with pytest.raises(Exception):
        actions.do_accept(report, actor=cast.officer_a)
    assert AuditEntry.objects.count() == before


def test_it_says_an_intact_chain_is_intact(cast, capsys):
    _chain(cast)
    call_command("verify_audit_chain")
    assert "Jejak audit utuh: 4 entri." in capsys.readouterr().out


def test_it_detects_an_edited_row(cast):
    _chain(cast)
    victim = AuditEntry.objects.order_by("id")[1]
    with connection.cursor() as cursor:  # behind the application's back, as an intruder would
        cursor.execute("UPDATE audit_auditentry SET actor_name = %s WHERE id = %s", ["orang-lain", victim.pk])
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
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [AuditEntry.objects.order_by("-id")[0].pk])
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
        cursor.execute("UPDATE audit_auditentry SET detail = %s WHERE id = %s",
                       ['{"to": "closed"}', AuditEntry.objects.order_by("id")[0].pk])
    assert verify_audit_chain_nightly.call_local() >= 1
