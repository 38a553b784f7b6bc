"""Out-of-range dates in any filter answer 400 with a message (issue 11 §6). Found: 500 on Open311
`requests`, the dashboard, the staff report list and the audit page. One reader of filter dates
(`aduan.ops.filter_dates`) serves them all."""

import datetime as dt
import html

import jsonschema
import pytest

from aduan.ops.filter_dates import DateOutOfRange, filter_date, filter_moment, filter_month
from tests.conftest import file_report
from tests.open311 import schemas

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    ("supervisor", "/kantor/statistik/?dari={d}"),
    ("supervisor", "/kantor/statistik/?sampai={d}"),
    ("supervisor", "/kantor/laporan/?sampai={d}"),
    ("dispatcher", "/kantor/laporan/?dari={d}"),
    ("dispatcher", "/kantor/laporan/?format=csv&sampai={d}"),
    ("supervisor", "/kantor/laporan/?format=xlsx&dari={d}"),
    ("supervisor", "/kantor/audit/?sampai={d}"),
    ("supervisor", "/kantor/audit/?dari={d}"),
    ("supervisor", "/kantor/statistik/evaluasi/?format=pdf&dari={d}"),
]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize(("role", "url"), STAFF_PAGES)
def test_a_staff_filter_out_of_range_is_a_400_with_a_message(client, cast, role, url, day):
    file_report(cast)
    client.force_login(getattr(cast, role))
    response = client.get(url.format(d=day))
    assert response.status_code == 400, url
    text = html.unescape(response.content.decode())
    assert "di luar rentang" in text and "1900-01-01 s.d. 2099-12-31" in text


@pytest.mark.parametrize("month", ["9999-12", "0001-01"])
def test_an_evaluation_month_out_of_range_is_a_400(client, cast, month):
    client.force_login(cast.supervisor)
    response = client.get(f"/kantor/statistik/evaluasi/?bulan={month}&format=xlsx")
    assert response.status_code == 400
    assert "bulan" in html.unescape(response.content.decode())


@pytest.mark.parametrize(
    "params",
    [
        {"end_date": "0001-01-01T00:00:00Z"},
        {"start_date": "9999-12-31T23:59:59Z"},
        {"start_date": "0001-01-01T00:00:00+08:00"},
        {"start_date": "9999-12-31T00:00:00", "end_date": "9999-12-31T01:00:00"},
    ],
)
def test_open311_requests_with_a_date_out_of_range_is_a_400_in_its_format(client, params):
    response = client.get("/open311/v2/requests.json", params)
    assert response.status_code == 400
    jsonschema.validate(response.json(), schemas.ERRORS)
    assert "di luar rentang" in response.json()[0]["description"]
    xml = client.get("/open311/v2/requests.xml", params)
    assert xml.status_code == 400 and b"di luar rentang" in xml.content


def test_dates_in_range_still_filter(client, cast):
    report = file_report(cast)
    client.force_login(cast.supervisor)
    today = dt.date.today()
    response = client.get(f"/kantor/laporan/?dari=1900-01-01&sampai={today + dt.timedelta(1)}")
    assert response.status_code == 200 and report.code in response.content.decode()


def test_the_reader():
    assert filter_date("2026-03-02", "dari") == dt.date(2026, 3, 2)
    assert filter_date("kemarin", "dari") is None and filter_date("", "dari") is None
    assert filter_month("2026-13", "bulan") is None
    with pytest.raises(DateOutOfRange):
        filter_date("2100-01-01", "sampai")
    with pytest.raises(DateOutOfRange):
        filter_month("1899-12", "bulan")
    with pytest.raises(ValueError):
        filter_moment("bukan tanggal", "start_date")
    assert filter_moment("2026-03-02T00:00:00Z", "start_date").tzinfo is not None
