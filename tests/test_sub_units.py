"""Sub-units (issue 16): an agency passes a report down to one of its sub-units (a UPT, a
Puskesmas, a school...), whose officers see only what was passed to them; their answer is a draft
the agency approves before the reporter hears of it; the agency takes the report back."""

import pytest

from aduan.accounts.models import Role
from aduan.audit.models import AuditEntry
from aduan.directory.models import Category, Region, SubUnit, SubUnitRule
from aduan.notifications.models import Notification
from aduan.reports import actions, errors
from aduan.reports.models import Audience, EventKind, Status
from aduan.reports.visibility import handled_reports, visible_events, visible_reports
from aduan.triage.sub_units import proposed_sub_unit
from tests.api.conftest import ApiClient
from tests.conftest import _user, report_in, result_photo
from tests.sub_units import officer_of, sub_unit_of_a

pytestmark = pytest.mark.django_db

VILLAGE = "52.04.08.1004"  # the village of tests.conftest.file_report


@pytest.fixture
def upt(cast):
    return sub_unit_of_a(cast)


@pytest.fixture
def upt_officer(upt):
    return officer_of(upt)


def _pass_down(cast, upt, **kwargs):
    report = report_in(cast, Status.IN_PROGRESS, **kwargs)
    return actions.do_pass_down(report, upt, actor=cast.officer_a, note="Mohon dicek ke lokasi.")


# --- the routing rules ------------------------------------------------------------------------


def test_it_proposes_the_sub_unit_of_the_most_specific_rule(cast, upt):
    report = report_in(cast, Status.IN_PROGRESS)
    road = Category.objects.get(code="infrastruktur-jalan")
    village = Region.objects.get(code=VILLAGE)
    other_village = Region.objects.filter(parent=village.parent).exclude(pk=village.pk).first()
    assert proposed_sub_unit(report) is None  # no rule yet
    anywhere = sub_unit_of_a(cast, "UPT Wilayah I")
    by_category = sub_unit_of_a(cast, "UPT Jalan dan Jembatan")
    by_both = sub_unit_of_a(cast, "UPT Jalan Seketeng", kind=SubUnit.Kind.OTHER)
    SubUnitRule.objects.create(agency=cast.agency_a, sub_unit=anywhere)
    assert proposed_sub_unit(report) == anywhere
    SubUnitRule.objects.create(agency=cast.agency_a, category=road, sub_unit=by_category)
    assert proposed_sub_unit(report) == by_category
    # Category + desa beats category; the rule of another desa does not match.
    SubUnitRule.objects.create(
        agency=cast.agency_a, category=road, village=other_village, sub_unit=upt
    )
    assert proposed_sub_unit(report) == by_category
    SubUnitRule.objects.create(
        agency=cast.agency_a, category=road, village=village, sub_unit=by_both
    )
    assert proposed_sub_unit(report) == by_both
    # An inactive sub-unit is never proposed; a rule of another agency never applies.
    by_both.is_active = False
    by_both.save()
    assert proposed_sub_unit(report) == by_category
    dinkes_unit = SubUnit.objects.create(agency=cast.agency_b, name="Puskesmas Seketeng")
    SubUnitRule.objects.create(
        agency=cast.agency_b, category=road, village=village, sub_unit=dinkes_unit
    )
    assert proposed_sub_unit(report) == by_category


def test_the_workspace_offers_the_proposed_sub_unit(client, cast, upt):
    SubUnitRule.objects.create(agency=cast.agency_a, sub_unit=upt)
    report = report_in(cast, Status.IN_PROGRESS)
    client.force_login(cast.officer_a)
    page = client.get(f"/kantor/laporan/{report.code}/")
    form = next(f for f in page.context["action_forms"] if f.name == "pass_down")
    assert form.initial["sub_unit"] == upt.pk
    assert "Teruskan ke sub-unit" in page.text


# --- passing down, seeing, answering ----------------------------------------------------------


def test_the_agency_passes_down_and_the_sub_unit_sees_only_that(client, cast, upt, upt_officer):
    other = report_in(cast, Status.IN_PROGRESS, title="Laporan lain PUPR")
    report = report_in(cast, Status.IN_PROGRESS)
    client.force_login(cast.officer_a)
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/pass_down/",
        {"version": report.version, "sub_unit": upt.pk, "note": "Mohon dicek ke lokasi."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.sub_unit == upt and report.status == Status.IN_PROGRESS
    event = report.events.get(kind=EventKind.PASSED_DOWN)
    assert event.audience == Audience.INTERNAL and event.actor == cast.officer_a
    assert event.data["sub_unit"] == upt.pk
    audited = AuditEntry.objects.get(report_code=report.code, action=EventKind.PASSED_DOWN)
    assert audited.detail["sub_unit"] == upt.pk
    assert Notification.objects.filter(recipient=upt_officer, kind="report_passed_down").exists()
    # The sub-unit's officer: this report, nothing else of the agency, on every channel.
    assert list(handled_reports(upt_officer)) == [report]
    client.force_login(upt_officer)
    inbox = client.get("/kantor/kotak-masuk/")
    assert report.code in inbox.text and other.code not in inbox.text
    assert client.get(f"/kantor/laporan/{report.code}/").status_code == 200
    assert client.get(f"/kantor/laporan/{other.code}/").status_code == 404
    listed = client.get("/kantor/laporan/?format=csv")
    body = b"".join(listed.streaming_content).decode()
    assert report.code in body and other.code not in body
    api = ApiClient(upt_officer)
    codes = [r["code"] for r in api.get("/staff/inbox").json()["items"]]
    assert codes == [report.code]
    # The agency keeps seeing both, with the sub-unit in its inbox.
    client.force_login(cast.officer_a)
    inbox = client.get("/kantor/kotak-masuk/")
    assert report.code in inbox.text and other.code in inbox.text and upt.name in inbox.text
    only_upt = client.get(f"/kantor/kotak-masuk/?sub_unit={upt.pk}")
    assert report.code in only_upt.text and other.code not in only_upt.text


def test_a_sub_unit_answers_a_report_passed_down_with_the_agencys_approval(
    client, cast, upt, upt_officer
):
    report = _pass_down(cast, upt)
    client.force_login(upt_officer)
    actions.do_add_note(report, actor=upt_officer, text="Tim UPT sudah ke lokasi.", public=True)
    actions.do_answer(
        report, actor=upt_officer, text="Lubang sudah ditambal UPT.", attachments=[result_photo()]
    )
    report.refresh_from_db()
    # A draft, whatever the agency's own setting: the reporter sees nothing of it.
    assert not cast.agency_a.answers_need_approval
    assert report.status == Status.IN_PROGRESS and report.pending_answer_id
    draft = report.pending_answer
    assert draft.kind == EventKind.ANSWER_DRAFTED and draft.audience == Audience.AGENCY
    for viewer in (cast.citizen, None, cast.dispatcher, cast.officer_b):
        assert draft.pk not in [e.pk for e in visible_events(report, viewer)]
    api = ApiClient(cast.citizen).get(f"/reports/{report.code}").json()
    assert "ditambal UPT" not in str(api) and api["status"] == Status.IN_PROGRESS
    assert not Notification.objects.filter(recipient=cast.citizen, kind="report_answered").exists()
    # The agency has no approver: any of its own officers oversees the sub-unit, and was asked.
    assert Notification.objects.filter(recipient=cast.officer_a, kind="answer_drafted").exists()
    with pytest.raises(errors.NotPermitted):
        actions.do_approve_answer(report, actor=upt_officer)
    with pytest.raises(errors.NotPermitted):
        actions.do_approve_answer(report, actor=cast.officer_b)
    # Returned once, answered again, approved.
    actions.do_return_answer(report, actor=cast.officer_a, reason="Sebutkan panjang tambalan.")
    assert Notification.objects.filter(recipient=upt_officer, kind="answer_returned").exists()
    actions.do_answer(
        report,
        actor=upt_officer,
        text="Lubang 2 meter sudah ditambal UPT.",
        attachments=[result_photo()],
    )
    client.force_login(cast.officer_a)
    report.refresh_from_db()
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/approve_answer/",
        {"version": report.version, "text": "Lubang 2 meter sudah ditambal UPT."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.RESPONDED and report.pending_answer_id is None
    answer = report.events.get(kind=EventKind.ANSWERED)
    assert answer.actor == upt_officer and answer.data["approved_by"] == cast.officer_a.pk
    assert answer.pk in [e.pk for e in visible_events(report, cast.citizen)]
    assert Notification.objects.filter(recipient=cast.citizen, kind="report_answered").exists()


def test_with_approvers_only_they_approve_the_sub_units_answer(cast, upt, upt_officer):
    head = _user("kepala-pupr", Role.OFFICER, "pupr")
    cast.agency_a.answer_approvers.add(head)
    report = _pass_down(cast, upt)
    actions.do_answer(report, actor=upt_officer, text="Sudah.", attachments=[result_photo()])
    assert Notification.objects.filter(recipient=head, kind="answer_drafted").exists()
    with pytest.raises(errors.NotPermitted):
        actions.do_approve_answer(report, actor=cast.officer_a)
    actions.do_approve_answer(report, actor=head)
    assert report.status == Status.RESPONDED


def test_the_agency_takes_the_report_back(client, cast, upt, upt_officer):
    report = _pass_down(cast, upt)
    client.force_login(cast.officer_a)
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/take_back/",
        {"version": report.version, "text": "Kami tangani sendiri."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.sub_unit is None
    assert report.events.filter(kind=EventKind.TAKEN_BACK).exists()
    assert AuditEntry.objects.filter(report_code=report.code, action=EventKind.TAKEN_BACK).exists()
    assert Notification.objects.filter(recipient=upt_officer, kind="report_taken_back").exists()
    assert report not in handled_reports(upt_officer)
    client.force_login(upt_officer)
    assert client.get(f"/kantor/laporan/{report.code}/").status_code == 404
    with pytest.raises(errors.NotPermitted):
        actions.do_add_note(report, actor=upt_officer, text="Masih kami tangani.")
    # Nothing to take back now.
    with pytest.raises(errors.InvalidState):
        actions.do_take_back(report, actor=cast.officer_a)


def test_a_draft_waiting_blocks_take_back(cast, upt, upt_officer):
    report = _pass_down(cast, upt)
    actions.do_answer(report, actor=upt_officer, text="Sudah.", attachments=[result_photo()])
    with pytest.raises(errors.InvalidState):
        actions.do_take_back(report, actor=cast.officer_a)


def test_the_sub_unit_does_not_act_for_the_agency(cast, upt, upt_officer):
    report = _pass_down(cast, upt)
    second = sub_unit_of_a(cast, "UPT Wilayah II")
    for refused in (
        lambda: actions.do_pass_down(report, second, actor=upt_officer),
        lambda: actions.do_take_back(report, actor=upt_officer),
        lambda: actions.do_assign(report, upt_officer, actor=upt_officer),
        lambda: actions.do_request_extension(
            report, actor=upt_officer, working_days=3, reason="Menunggu."
        ),
    ):
        with pytest.raises(errors.NotPermitted):
            refused()
    # The agency may assign the sub-unit's officer; never an officer of another sub-unit.
    actions.do_assign(report, upt_officer, actor=cast.officer_a)
    with pytest.raises(errors.InvalidInput):
        actions.do_assign(report, officer_of(second, "petugas-upt-2"), actor=cast.officer_a)


# --- outsiders --------------------------------------------------------------------------------


def test_another_agency_cannot_pass_down_or_see_it(client, cast, upt, upt_officer):
    report = report_in(cast, Status.IN_PROGRESS, confidential=True)
    dinkes_unit = SubUnit.objects.create(agency=cast.agency_b, name="Puskesmas Unit I")
    for actor, unit in ((cast.officer_b, upt), (cast.officer_b, dinkes_unit)):
        with pytest.raises(errors.NotPermitted):
            actions.do_pass_down(report, unit, actor=actor)
    # Agency A may not pass down to a sub-unit of agency B, nor to an inactive one.
    with pytest.raises(errors.InvalidInput):
        actions.do_pass_down(report, dinkes_unit, actor=cast.officer_a)
    upt.is_active = False
    upt.save()
    with pytest.raises(errors.InvalidInput):
        actions.do_pass_down(report, upt, actor=cast.officer_a)
    upt.is_active = True
    upt.save()
    actions.do_pass_down(report, upt, actor=cast.officer_a)
    # Agency B, and a sub-unit of agency B, do not see it anywhere.
    dinkes_officer = officer_of(dinkes_unit, "petugas-puskesmas")
    for outsider in (cast.officer_b, dinkes_officer):
        assert report not in visible_reports(outsider)
        client.force_login(outsider)
        assert client.get(f"/kantor/laporan/{report.code}/").status_code == 404
        assert ApiClient(outsider).get(f"/reports/{report.code}").status_code == 404
    client.force_login(cast.officer_b)
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/take_back/", {"version": report.version}
    )
    assert response.status_code == 404


def test_the_api_refuses_what_the_back_office_refuses(client, cast, upt, upt_officer):
    # Confidential: on a public report the API answers an outsider 403 where the back office
    # answers 404 (the API opens public reports to anyone).
    report = report_in(cast, Status.IN_PROGRESS, confidential=True)
    # The sub-unit's officer may not pass down (the report is not theirs yet: 404 on both).
    client.force_login(upt_officer)
    web = client.post(
        f"/kantor/laporan/{report.code}/aksi/pass_down/",
        {"version": report.version, "sub_unit": upt.pk},
    )
    api = ApiClient(upt_officer).post(f"/reports/{report.code}/sub-unit", {"sub_unit": upt.pk})
    assert web.status_code == api.status_code == 404
    # A dispatcher sees it but may not pass it down: 403 on both.
    client.force_login(cast.dispatcher)
    web = client.post(
        f"/kantor/laporan/{report.code}/aksi/pass_down/",
        {"version": report.version, "sub_unit": upt.pk},
    )
    api = ApiClient(cast.dispatcher).post(f"/reports/{report.code}/sub-unit", {"sub_unit": upt.pk})
    assert web.status_code == api.status_code == 403
    # A sub-unit of another agency: refused with the same field error on both.
    dinkes_unit = SubUnit.objects.create(agency=cast.agency_b, name="Puskesmas Unit II")
    client.force_login(cast.officer_a)
    web = client.post(
        f"/kantor/laporan/{report.code}/aksi/pass_down/",
        {"version": report.version, "sub_unit": dinkes_unit.pk},
    )
    api = ApiClient(cast.officer_a).post(
        f"/reports/{report.code}/sub-unit", {"sub_unit": dinkes_unit.pk}
    )
    assert web.status_code == api.status_code == 422
    # Taking back what is not passed down: 409 on both.
    web = client.post(f"/kantor/laporan/{report.code}/aksi/take_back/", {"version": report.version})
    api = ApiClient(cast.officer_a).post(f"/reports/{report.code}/sub-unit/take-back", {})
    assert web.status_code == api.status_code == 409
    # The API passes down and takes back as the back office does.
    choices = ApiClient(cast.officer_a).get(f"/reports/{report.code}/sub-units").json()
    assert [u["id"] for u in choices["sub_units"]] == [upt.pk] and choices["current"] is None
    assert ApiClient(upt_officer).get(f"/reports/{report.code}/sub-units").status_code == 404
    done = ApiClient(cast.officer_a).post(f"/reports/{report.code}/sub-unit", {"sub_unit": upt.pk})
    assert done.status_code == 200
    report.refresh_from_db()
    assert report.sub_unit == upt
    assert ApiClient(upt_officer).get(f"/reports/{report.code}/sub-units").status_code == 403
    back = ApiClient(cast.officer_a).post(f"/reports/{report.code}/sub-unit/take-back", {})
    assert back.status_code == 200


def test_a_sub_unit_officer_must_belong_to_the_agency(cast, upt):
    from django.core.exceptions import ValidationError

    from aduan.accounts import actions as accounts

    user = _user("calon-petugas", Role.CITIZEN)
    with pytest.raises(ValidationError):
        accounts.do_set_role(
            user, Role.OFFICER, actor=cast.sysadmin, agency=cast.agency_b, sub_unit=upt
        )
    accounts.do_set_role(
        user, Role.OFFICER, actor=cast.sysadmin, agency=cast.agency_a, sub_unit=upt
    )
    user.refresh_from_db()
    assert user.sub_unit == upt and user.is_sub_unit_officer
