import threading

import pytest
from django.db import connection

from aduan.reports.models import EventKind, Report, Status
from tests.api.conftest import ApiClient, error_of
from tests.conftest import file_report, photo_bytes, report_in


def _photo():
    """A result photo in the JSON body: a "done" answer to a road report needs one."""
    import base64

    return {"name": "hasil.jpg", "content_base64": base64.b64encode(photo_bytes()).decode()}


pytestmark = pytest.mark.django_db


def test_the_whole_life_cycle_through_the_api(cast):
    report = file_report(cast)
    dispatcher, officer, citizen = (
        ApiClient(cast.dispatcher),
        ApiClient(cast.officer_a),
        ApiClient(cast.citizen),
    )
    code = report.code
    assert (
        dispatcher.post(f"/reports/{code}/return", {"text": "Lengkapi lokasi."}).json()["status"]
        == "returned"
    )
    body = citizen.post(
        f"/reports/{code}/resubmit", {"text": "Sudah.", "address": "Jalan Garuda 7"}
    ).json()
    assert (body["status"], body["address"]) == ("submitted", "Jalan Garuda 7")
    assert (
        dispatcher.post(
            f"/reports/{code}/dispatcher-note", {"text": "Cek ke lapangan."}
        ).status_code
        == 200
    )
    body = dispatcher.post(
        f"/reports/{code}/disposition", {"agency": "dinkes", "instruction": "Tinjau."}
    ).json()
    assert body["agency"]["code"] == "dinkes"
    body = dispatcher.post(f"/reports/{code}/redisposition", {"agency": "pupr"}).json()
    assert body["agency"]["code"] == "pupr" and "accept" not in body["actions"]
    assert "accept" in officer.get(f"/reports/{code}").json()["actions"]
    assert officer.post(f"/reports/{code}/accept").json()["status"] == "in_progress"
    assert officer.post(f"/reports/{code}/assign", {"officer": "petugas-pupr"}).status_code == 200
    assert (
        officer.post(
            f"/reports/{code}/note", {"text": "Tim sudah ke lokasi.", "public": True}
        ).status_code
        == 200
    )
    assert (
        officer.post(f"/reports/{code}/request-info", {"text": "Kirim foto."}).json()["zone"]
        == "paused"
    )
    assert (
        citizen.post(f"/reports/{code}/provide-info", {"text": "Foto di lampiran."}).json()["zone"]
        != "paused"
    )
    assert (
        officer.post(
            f"/reports/{code}/answer", {"text": "Sudah ditambal.", "attachments": [_photo()]}
        ).json()["status"]
        == "responded"
    )
    body = citizen.post(
        f"/reports/{code}/verdict", {"satisfied": False, "reason": "Masih berlubang."}
    ).json()
    assert body["status"] == "in_progress"
    officer.post(
        f"/reports/{code}/answer", {"text": "Sudah ditambal ulang.", "attachments": [_photo()]}
    )
    body = citizen.post(
        f"/reports/{code}/verdict", {"satisfied": True, "rating": 5, "comment": "Terima kasih"}
    )
    assert (body.json()["status"], body.json()["rating"]) == ("closed", 5)
    kinds = list(Report.objects.get(code=code).events.values_list("kind", flat=True))
    assert kinds.count(EventKind.ANSWERED) == 2 and kinds[-1] == EventKind.SATISFIED


def test_dispatcher_archives_merges_reclassifies_and_closes(cast):
    dispatcher = ApiClient(cast.dispatcher)
    spam, duplicate, original, other = (file_report(cast) for _ in range(4))
    assert (
        dispatcher.post(f"/reports/{spam.code}/archive", {"reason": "spam"}).json()["status"]
        == "archived"
    )
    body = dispatcher.post(f"/reports/{duplicate.code}/merge", {"into": original.code}).json()
    assert body["status"] == "archived"
    body = dispatcher.post(
        f"/reports/{original.code}/reclassify",
        {"classification": "aspiration", "category": "pungli", "confidential": True},
    ).json()
    assert (body["classification"], body["category"]["code"], body["confidential"]) == (
        "aspiration",
        "pungli",
        True,
    )
    assert (
        dispatcher.post(
            f"/reports/{other.code}/close", {"reason": "Sudah selesai di lapangan."}
        ).json()["status"]
        == "closed"
    )


def test_the_agency_declines_a_disposition(cast):
    report = report_in(cast, Status.DISPOSITIONED)
    body = ApiClient(cast.officer_a).post(
        f"/reports/{report.code}/decline", {"reason": "Bukan kewenangan kami."}
    )
    assert body.json() == {
        "code": report.code,
        "status": "submitted",
        "status_label": "Belum Terverifikasi",
    }


def test_an_officer_of_another_agency_gets_404_and_a_citizen_403(cast):
    report = report_in(cast, Status.DISPOSITIONED, confidential=True)
    error_of(ApiClient(cast.officer_b).post(f"/reports/{report.code}/accept"), 404)
    report_public = report_in(cast, Status.DISPOSITIONED)
    error = error_of(
        ApiClient(cast.other_citizen).post(f"/reports/{report_public.code}/accept"), 403
    )
    assert error["code"] == "forbidden"


def test_each_staff_action_denies_a_citizen(cast):
    report = file_report(cast)
    citizen = ApiClient(cast.citizen)
    for action, body in [
        ("return", {"text": "x"}),
        ("disposition", {"agency": "pupr"}),
        ("archive", {"reason": "spam"}),
        ("dispatcher-note", {"text": "x"}),
        ("reclassify", {"anonymous": True}),
        ("close", {"reason": "x"}),
    ]:
        assert (
            error_of(citizen.post(f"/reports/{report.code}/{action}", body), 403)["code"]
            == "forbidden"
        ), action


def test_a_wrong_status_is_a_409(cast):
    report = report_in(cast, Status.IN_PROGRESS)
    error = error_of(
        ApiClient(cast.dispatcher).post(f"/reports/{report.code}/disposition", {"agency": "pupr"}),
        409,
    )
    assert error["code"] == "invalid_state"


def test_a_stale_version_is_a_409_conflict(cast):
    report = file_report(cast)
    dispatcher = ApiClient(cast.dispatcher)
    seen = dispatcher.get(f"/reports/{report.code}").json()["version"]
    dispatcher.post(f"/reports/{report.code}/dispatcher-note", {"text": "Catatan."})
    error = error_of(
        dispatcher.post(
            f"/reports/{report.code}/disposition", {"agency": "pupr", "expected_version": seen}
        ),
        409,
    )
    assert error["code"] == "conflict"


def test_missing_reason_and_unknown_agency_are_422_with_the_field(cast):
    report = report_in(cast, Status.DISPOSITIONED)
    error = error_of(
        ApiClient(cast.officer_a).post(f"/reports/{report.code}/decline", {"reason": "  "}), 422
    )
    assert error["fields"] == {"reason": ["Alasan penolakan wajib diisi."]}
    other = file_report(cast)
    error = error_of(
        ApiClient(cast.dispatcher).post(f"/reports/{other.code}/disposition", {"agency": "nope"}),
        422,
    )
    assert "agency" in error["fields"]
    error = error_of(
        ApiClient(cast.dispatcher).post(f"/reports/{other.code}/archive", {"reason": "duplicate"}),
        422,
    )
    assert "reason" in error["fields"]


def test_a_verdict_needs_a_rating(cast):
    report = report_in(cast, Status.RESPONDED)
    error = error_of(
        ApiClient(cast.citizen).post(f"/reports/{report.code}/verdict", {"satisfied": True}), 422
    )
    assert "rating" in error["fields"]


def test_a_citizen_supports_a_public_report_once(cast):
    report = report_in(cast, Status.DISPOSITIONED)
    other = ApiClient(cast.other_citizen)
    assert other.post(f"/reports/{report.code}/support").json() == {
        "supported": True,
        "supports": 1,
    }
    assert other.post(f"/reports/{report.code}/support").json() == {
        "supported": True,
        "supports": 1,
    }
    unverified = file_report(cast)
    error_of(ApiClient(cast.citizen).post(f"/reports/{unverified.code}/support"), 409)
    error_of(other.post(f"/reports/{unverified.code}/support"), 404)


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_exactly_one_wins(cast):
    report = file_report(cast)
    results = []

    def act(agency):
        try:
            response = ApiClient(cast.dispatcher).post(
                f"/reports/{report.code}/disposition",
                {"agency": agency, "expected_version": report.version},
            )
            results.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(a,)) for a in ("pupr", "dinkes")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]
    assert Report.objects.get(pk=report.pk).dispositions.count() == 1


@pytest.mark.parametrize(
    "action, body",
    [
        ("accept", {}),
        ("decline", {"reason": "x"}),
        ("assign", {"officer": "petugas-pupr"}),
        ("note", {"text": "x"}),
        ("request-info", {"text": "x"}),
        ("answer", {"text": "x"}),
    ],
)
def test_each_agency_action_denies_the_dispatcher_and_another_agency(cast, action, body):
    report = report_in(
        cast, Status.DISPOSITIONED if action in ("accept", "decline") else Status.IN_PROGRESS
    )
    assert error_of(ApiClient(cast.dispatcher).post(f"/reports/{report.code}/{action}", body), 403)
    assert error_of(ApiClient(cast.officer_b).post(f"/reports/{report.code}/{action}", body), 403)


@pytest.mark.parametrize(
    "status, action, body",
    [
        (Status.RETURNED, "resubmit", {"text": "x"}),
        (Status.IN_PROGRESS, "provide-info", {"text": "x"}),
        (Status.RESPONDED, "verdict", {"satisfied": True, "rating": 4}),
    ],
)
def test_each_reporter_action_denies_others(cast, status, action, body):
    report = (
        report_in(cast, status, paused=True)
        if action == "provide-info"
        else report_in(cast, status)
    )
    expected = 404 if status == Status.RETURNED else 403  # a returned report is not public
    error_of(ApiClient(cast.other_citizen).post(f"/reports/{report.code}/{action}", body), expected)
    error_of(
        ApiClient(cast.officer_a).post(f"/reports/{report.code}/{action}", body),
        404 if status == Status.RETURNED else 403,
    )


def test_redisposition_and_merge_deny_a_citizen(cast):
    report = report_in(cast, Status.DISPOSITIONED)
    other = report_in(cast, Status.DISPOSITIONED)
    citizen = ApiClient(cast.citizen)
    error_of(citizen.post(f"/reports/{report.code}/redisposition", {"agency": "dinkes"}), 403)
    error_of(citizen.post(f"/reports/{report.code}/merge", {"into": other.code}), 403)


def test_answers_and_information_carry_photos_as_base64(cast):
    import base64

    from django.test import override_settings

    from tests.api.test_api_reports import PNG

    photo = {"name": "sesudah.png", "content_base64": base64.b64encode(PNG).decode()}
    report = report_in(cast, Status.IN_PROGRESS, paused=True)
    citizen, officer = ApiClient(cast.citizen), ApiClient(cast.officer_a)
    body = citizen.post(
        f"/reports/{report.code}/provide-info", {"text": "Ini fotonya.", "attachments": [photo]}
    ).json()
    assert [a["name"] for a in body["attachments"]] == ["sesudah.png"]
    bad = {"name": "x.png", "content_base64": "bukan base64!"}
    assert (
        "attachments"
        in error_of(
            officer.post(
                f"/reports/{report.code}/answer", {"text": "Selesai.", "attachments": [bad]}
            ),
            422,
        )["fields"]
    )
    script = {"name": "x.png", "content_base64": base64.b64encode(b"#!/bin/sh").decode()}
    error_of(
        officer.post(
            f"/reports/{report.code}/answer", {"text": "Selesai.", "attachments": [script]}
        ),
        415,
    )
    with override_settings(ATTACHMENT_MAX_MB=0, ATTACHMENT_MAX_VIDEO_MB=0):
        error_of(
            officer.post(
                f"/reports/{report.code}/answer", {"text": "Selesai.", "attachments": [photo]}
            ),
            413,
        )
    body = officer.post(
        f"/reports/{report.code}/answer", {"text": "Selesai.", "attachments": [photo]}
    ).json()
    assert body["status"] == "responded" and len(body["attachments"]) == 2
