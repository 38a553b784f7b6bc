""" "Sudah diperbaiki?" (issue 15): after an answer that says the problem is fixed, the report's
supporters and the RT/RW of its desa are asked on their channels whether it really is; they
answer on the report page; the dispatcher sees the answers counted. The reporter's verdict still
decides."""

import pytest

from aduan.notifications.models import Notification
from aduan.reports import actions, errors
from aduan.reports.models import Status
from tests.conftest import _ktp, _user, report_in, result_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def desa_rt(cast):
    """An RT of Seketeng (the cast's reports are there) who did not file the report."""
    from aduan.directory.models import Region

    village = Region.objects.get(code="52.04.08.1004")
    return _user(
        "rt-seketeng",
        phone="+6281339100099",
        is_representative=True,
        village=village,
        district=village.parent,
        **_ktp("99", "L"),
    )


def answered(cast, outcome="done"):
    report = report_in(cast, Status.IN_PROGRESS)
    actions.do_support(report, actor=cast.other_citizen)
    kwargs = (
        {"attachments": [result_photo()]}
        if outcome == "done"
        else {
            "outcome": "cannot",
            "responsible_body": "BPJN",
        }
    )
    actions.do_answer(report, actor=cast.officer_a, text="Sudah ditambal.", **kwargs)
    return report


def test_supporters_and_the_desa_rt_are_asked_and_answer(client, cast, desa_rt):
    report = answered(cast)
    for user in (cast.other_citizen, desa_rt):
        mail = Notification.objects.get(report=report, recipient=user, channel="email")
        assert "Sudah diperbaiki?" in mail.body and report.title not in mail.body
    rt_mail = Notification.objects.get(report=report, recipient=desa_rt, channel="email")
    assert "RT/RW di desa" in rt_mail.body and "berhenti-ikuti" not in rt_mail.body

    client.force_login(desa_rt)
    page = client.get(f"/laporan/{report.code}/").content.decode()
    assert 'id="fix-check"' in page
    client.post(f"/laporan/{report.code}/sudah-diperbaiki/", {"fixed": "0"})
    client.force_login(cast.other_citizen)
    client.post(f"/laporan/{report.code}/sudah-diperbaiki/", {"fixed": "1"})
    client.post(f"/laporan/{report.code}/sudah-diperbaiki/", {"fixed": "0"})  # changed their mind
    assert actions.fix_check_counts(report) == {"fixed": 0, "not_fixed": 2}

    client.force_login(cast.dispatcher)
    page = client.get(f"/kantor/laporan/{report.code}/").content.decode()
    assert 'id="fix-checks"' in page and "belum: 2" in page
    report.refresh_from_db()
    assert report.status == Status.RESPONDED  # only the reporter's verdict closes or reopens


def test_nobody_else_is_asked_and_nobody_else_may_answer(client, cast, desa_rt):
    report = answered(cast, outcome="cannot")  # not "done": nothing to check
    assert not actions.may_check_fix(report, cast.other_citizen)
    assert not Notification.objects.filter(report=report, recipient=desa_rt).exists()
    done = answered(cast)
    for user in (cast.citizen, cast.officer_b, cast.representative):
        with pytest.raises(errors.NotPermitted):
            actions.do_fix_check(done, user=user, fixed=True)
    client.force_login(cast.officer_b)
    client.post(f"/laporan/{done.code}/sudah-diperbaiki/", {"fixed": "1"})
    assert actions.fix_check_counts(done) == {"fixed": 0, "not_fixed": 0}
    # A confidential report asks no RT/RW (they would learn of it).
    secret = report_in(cast, Status.IN_PROGRESS, confidential=True)
    actions.do_answer(secret, actor=cast.officer_a, text="Selesai.", attachments=[result_photo()])
    assert not Notification.objects.filter(report=secret, recipient=desa_rt).exists()


def test_an_rt_who_follows_the_report_is_asked_once(cast, desa_rt):
    """The followers' message of the answer asks them already; the RT/RW's own is not added."""
    report = report_in(cast, Status.IN_PROGRESS)
    actions.do_support(report, actor=desa_rt)
    actions.do_answer(report, actor=cast.officer_a, text="Sudah.", attachments=[result_photo()])
    mails = Notification.objects.filter(report=report, recipient=desa_rt, channel="email")
    assert [m.kind for m in mails] == ["report_followed"]
    assert "Sudah diperbaiki?" in mails[0].body
