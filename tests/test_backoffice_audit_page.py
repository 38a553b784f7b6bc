import pytest

from aduan.reports import actions
from aduan.reports.models import Status
from tests.conftest import report_in

pytestmark = pytest.mark.django_db


def test_the_supervisor_reads_and_filters_the_trail(client, cast):
    first = report_in(cast, Status.DISPOSITIONED)
    second = report_in(cast, Status.SUBMITTED)
    actions.do_close(second, actor=cast.dispatcher, reason="Sudah selesai di luar sistem.")
    client.force_login(cast.supervisor)
    rows = client.get(f"/kantor/audit/?code={first.code}").context["page"]
    assert {e.report_code for e in rows} == {first.code} and len(rows) == 2
    rows = client.get("/kantor/audit/?actor=dispatcher-uji&action=closed").context["page"]
    assert [(e.report_code, e.action) for e in rows] == [(second.code, "closed")]
    assert len(client.get("/kantor/audit/?dari=2000-01-01&sampai=2000-01-02").context["page"]) == 0
