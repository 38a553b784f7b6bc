"""Who sees which report, and how the reporter is presented to each viewer."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from aduan.reports import actions
from aduan.reports.models import Status
from aduan.reports.visibility import get_report_for, present_reporter, visible_reports

from .conftest import file_report, report_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(cast):
    return {
        "submitted": report_in(cast, Status.SUBMITTED),
        "public": report_in(cast, Status.IN_PROGRESS),
        "confidential": report_in(cast, Status.IN_PROGRESS, confidential=True),
        "at_b": actions.do_disposition(
            report_in(cast, Status.SUBMITTED, confidential=True),
            cast.agency_b,
            actor=cast.dispatcher,
        ),
        "archived": report_in(cast, Status.ARCHIVED),
    }


def codes(user, reports):
    names = {r.code: name for name, r in reports.items()}
    return {names[c] for c in visible_reports(user).values_list("code", flat=True) if c in names}


def test_the_public_sees_verified_non_confidential_reports_only(cast, reports):
    assert codes(AnonymousUser(), reports) == {"public"}
    with pytest.raises(Http404):
        get_report_for(AnonymousUser(), reports["confidential"].code)


def test_a_citizen_sees_their_own_and_public_ones(cast, reports):
    assert codes(cast.citizen, reports) == set(reports)  # the citizen filed them all
    assert codes(cast.other_citizen, reports) == {"public"}
    with pytest.raises(Http404):
        get_report_for(cast.other_citizen, reports["submitted"].code)


def test_an_officer_sees_their_agencys_reports_and_public_ones(cast, reports):
    assert codes(cast.officer_a, reports) == {"public", "confidential"}
    assert codes(cast.officer_b, reports) == {"public", "at_b"}
    with pytest.raises(Http404):
        get_report_for(cast.officer_b, reports["confidential"].code)


def test_dispatchers_and_supervisors_see_everything(cast, reports):
    assert codes(cast.dispatcher, reports) == set(reports)
    assert codes(cast.supervisor, reports) == set(reports)


def test_a_sysadmin_manages_master_data_not_reports(cast, reports):
    assert codes(cast.sysadmin, reports) == {"public"}


def test_an_unknown_code_and_a_hidden_one_look_the_same(cast, reports):
    with pytest.raises(Http404) as unknown:
        get_report_for(cast.other_citizen, "SBW-ZZZZZZ")
    with pytest.raises(Http404) as hidden:
        get_report_for(cast.other_citizen, reports["submitted"].code)
    assert str(unknown.value) == str(hidden.value)


def test_an_anonymous_reporter_is_known_only_to_dispatchers_and_themselves(cast):
    report = report_in(cast, Status.IN_PROGRESS, anonymous=True)
    assert present_reporter(report, cast.dispatcher).name == "Wayan Sudarsana"
    assert present_reporter(report, cast.citizen).phone == "+6281339100011"
    for viewer in (
        cast.officer_a,
        cast.officer_b,
        cast.supervisor,
        cast.sysadmin,
        cast.other_citizen,
        AnonymousUser(),
    ):
        shown = present_reporter(report, viewer)
        assert shown.hidden and shown.name == "Anonim" and not shown.phone and not shown.email


def test_a_named_reporter_is_known_to_the_agency_and_masked_for_the_public(cast):
    report = report_in(cast, Status.IN_PROGRESS)
    assert present_reporter(report, cast.officer_a).email == cast.citizen.email
    assert present_reporter(report, cast.supervisor).name == "Wayan Sudarsana"
    public = present_reporter(report, AnonymousUser())
    assert public.name == "W**** S********" and public.hidden and not public.phone
    assert present_reporter(report, cast.officer_b).hidden  # not their agency's report


def test_a_resident_filed_for_by_a_representative_is_the_reporter(cast):
    report = file_report(
        cast,
        reporter=None,
        filed_by=cast.representative,
        reporter_name="Inaq Rahmah",
        reporter_phone="+6281339100099",
        consent=True,
    )
    assert present_reporter(report, cast.representative).name == "Inaq Rahmah"
    assert present_reporter(report, cast.dispatcher).phone == "+6281339100099"
    assert report in visible_reports(cast.representative)
