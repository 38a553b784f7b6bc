"""The hand-over to the Ombudsman through the API (issue 16): the same action as the portal
(`actions.do_hand_over_to_ombudsman`), the same refusals (422 without consent, 409 before the
limit and twice), and the case file for the reporter and the staff who handle or watch the
report, 404 to everyone else."""

import datetime as dt

import pytest
import time_machine

from aduan.reports.models import EventKind, Report, Status
from tests.api.conftest import ApiClient, error_of
from tests.conftest import report_in

pytestmark = pytest.mark.django_db


def past_the_limit(report):
    return time_machine.travel(report.due_at + dt.timedelta(days=1), tick=False)


def test_the_reporter_hands_over_with_consent(cast):
    report = report_in(cast, Status.IN_PROGRESS)
    path = f"/reports/{report.code}/ombudsman"
    before = ApiClient(cast.citizen).post(path, {"consent": True})
    assert "batas waktu" in error_of(before, 409)["message"]
    with past_the_limit(report):
        citizen = ApiClient(cast.citizen)
        detail = citizen.get(f"/reports/{report.code}").json()
        assert "hand_over_ombudsman" in detail["actions"] and detail["ombudsman_at"] is None
        refused = error_of(citizen.post(path, {}), 422)
        assert "consent" in refused["fields"] and "persetujuan" in refused["message"]
        body = citizen.post(path, {"consent": True, "expected_version": report.version})
        assert body.status_code == 200, body.content
        body = body.json()
        assert body["status"] == Status.IN_PROGRESS and body["ombudsman_at"] is not None
        assert EventKind.OMBUDSMAN in [e["kind"] for e in body["timeline"]]
        assert "hand_over_ombudsman" not in body["actions"]
        again = error_of(citizen.post(path, {"consent": True}), 409)
        assert "sudah diserahkan" in again["message"]
    assert Report.objects.get(pk=report.pk).ombudsman_at is not None


def test_nobody_else_hands_over(cast):
    report = report_in(cast, Status.IN_PROGRESS, confidential=True)
    path = f"/reports/{report.code}/ombudsman"
    with past_the_limit(report):
        assert ApiClient(cast.officer_a).post(path, {"consent": True}).status_code == 403
        assert ApiClient(cast.dispatcher).post(path, {"consent": True}).status_code == 403
        assert ApiClient(cast.officer_b).post(path, {"consent": True}).status_code == 404
        assert ApiClient().post(path, {"consent": True}).status_code == 401
    assert Report.objects.get(pk=report.pk).ombudsman_at is None


def test_the_case_file_for_the_reporter_and_the_staff_only(cast):
    report = report_in(cast, Status.IN_PROGRESS, confidential=False)
    path = f"/reports/{report.code}/ombudsman/case-file"
    error_of(ApiClient(cast.citizen).get(path), 404)  # not handed over yet
    with past_the_limit(report):
        ApiClient(cast.citizen).post(f"/reports/{report.code}/ombudsman", {"consent": True})
    for allowed in (cast.citizen, cast.dispatcher, cast.officer_a, cast.supervisor):
        response = ApiClient(allowed).get(path)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    # Both may read the public report itself, not its case file.
    for outsider in (cast.other_citizen, cast.officer_b):
        assert ApiClient(outsider).get(f"/reports/{report.code}").status_code == 200
        error_of(ApiClient(outsider).get(path), 404)
    assert ApiClient().get(path).status_code == 401
