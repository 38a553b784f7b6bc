"""The monthly evaluation report for the Inspektorat, as PDF and XLSX; long periods by the
worker."""

import io

import pytest
from openpyxl import load_workbook

from aduan.reports.models import Status
from aduan.stats.models import EvaluationReport
from tests.conftest import report_in

pytestmark = pytest.mark.django_db


def test_it_builds_the_month_as_xlsx_with_the_agency_table_overdue_list_and_trend(
    client, cast, settings
):
    report_in(cast, Status.IN_PROGRESS, anonymous=True, title="=Pungli di loket")
    client.force_login(cast.supervisor)
    from django.utils import timezone

    month = timezone.localdate().strftime("%Y-%m")
    response = client.get(f"/kantor/statistik/evaluasi/?bulan={month}&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Per perangkat daerah", "Terlambat", "Tren", "Masalah berulang"]
    table = [[c.value for c in row] for row in book["Per perangkat daerah"].iter_rows()]
    assert table[1][0] == "Perangkat daerah"
    assert table[2][:4] == ["PUPR", 1, 1, 0]
    assert table[-1][0] == "Total"
    text = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row)
    assert "Wayan" not in text  # no reporter in the evaluation at all


def test_it_builds_the_month_as_pdf(client, cast):
    report_in(cast, Status.DISPOSITIONED)
    client.force_login(cast.dispatcher)
    response = client.get("/kantor/statistik/evaluasi/?bulan=2026-03&format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(response.content) > 1000


def test_it_sends_a_long_period_to_the_worker(client, cast, settings):
    settings.EVALUATION_INLINE_MAX_DAYS = 31
    report_in(cast, Status.DISPOSITIONED)
    client.force_login(cast.supervisor)
    response = client.get(
        "/kantor/statistik/evaluasi/?dari=2026-01-01&sampai=2026-06-30&format=pdf"
    )
    assert response.status_code == 302
    job = EvaluationReport.objects.get()  # huey runs tasks at once in the test settings
    assert (job.state, job.period_start.isoformat(), job.requested_by) == (
        "done",
        "2026-01-01",
        cast.supervisor,
    )
    download = client.get(f"/kantor/statistik/evaluasi/{job.pk}/")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    client.force_login(cast.dispatcher)
    assert (
        client.get(f"/kantor/statistik/evaluasi/{job.pk}/").status_code == 404
    )  # someone else's file


def test_it_says_when_the_month_is_wrong(client, cast):
    client.force_login(cast.supervisor)
    response = client.get("/kantor/statistik/evaluasi/?bulan=2026-13&format=pdf")
    assert response.status_code == 422
    assert "Pilih bulan atau periode yang valid." in response.content.decode()


def test_a_long_period_whose_task_was_lost_is_built_by_the_sweep(client, cast, monkeypatch):
    """Redis restarted before a consumer took the job, or was away when it was asked for."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from aduan.stats import tasks, views

    def redis_away(pk):
        raise ConnectionError("Redis away")

    monkeypatch.setattr(views, "generate_evaluation", redis_away)
    client.force_login(cast.supervisor)
    url = "/kantor/statistik/evaluasi/?dari=2026-01-01&sampai=2026-06-30&format=pdf"
    assert client.get(url).status_code == 302
    job = EvaluationReport.objects.get()
    assert job.state == "pending"
    assert tasks.generate_stale_evaluations.call_local() == 0  # not stale yet: its task may run
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert tasks.generate_stale_evaluations.call_local() == 1
    job.refresh_from_db()
    assert job.state == "done" and job.file.name.endswith(".pdf")
