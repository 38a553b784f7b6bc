"""The back office's lists on a map, and the kecamatan maps of the dashboard and the monthly
evaluation (issue 13)."""

import datetime as dt
import re
import zlib
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aduan.directory import geo
from aduan.reports import actions
from aduan.reports.models import Status
from aduan.stats import choropleth
from aduan.stats.figures import Row
from tests.conftest import file_report, report_in

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
KECAMATAN = {code for code, _name, _polygons in geo.district_shapes()}


def _codes(response) -> set[str]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    return {f["properties"]["code"] for f in data["features"]}


def _list_codes(client, url) -> set[str]:
    response = client.get(url)
    page = response.context.get("page")
    if page is None:  # the queue and the inbox keep their rows in a rendered fragment
        return set(re.findall(r"SBW-[0-9A-Z]+", response.content.decode()))
    return {r.code for r in page.object_list}


# --- the back office's lists on a map ---------------------------------------------------------


def test_the_queue_map_pins_exactly_the_queue(client, cast):
    waiting = file_report(cast, title="Menunggu verifikasi")
    held = report_in(cast, Status.IN_PROGRESS)
    client.force_login(cast.dispatcher)
    assert _codes(client.get("/kantor/antrean/peta.geojson")) == {waiting.code}
    assert _list_codes(client, "/kantor/antrean/") == {waiting.code}
    # a filter narrows the list and its map alike
    both = _codes(client.get("/kantor/antrean/peta.geojson?status=in_progress"))
    assert both == {held.code} == _list_codes(client, "/kantor/antrean/?status=in_progress")


def test_an_officer_never_gets_another_agencys_reports(client, cast):
    ours = report_in(cast, Status.IN_PROGRESS, title="Jalan rusak")
    theirs = file_report(cast, title="Puskesmas tutup")
    actions.do_disposition(theirs, cast.agency_b, actor=cast.dispatcher, instruction="Dinkes.")
    client.force_login(cast.officer_a)
    inbox = _codes(client.get("/kantor/kotak-masuk/peta.geojson"))
    everything = _codes(client.get("/kantor/laporan/peta.geojson"))
    assert inbox == everything == {ours.code}
    assert inbox == _list_codes(client, "/kantor/kotak-masuk/")
    assert everything == _list_codes(client, "/kantor/laporan/")
    client.force_login(cast.officer_b)
    assert _codes(client.get("/kantor/kotak-masuk/peta.geojson")) == {theirs.code}
    assert _codes(client.get("/kantor/laporan/peta.geojson")) == {theirs.code}


def test_the_all_reports_map_follows_the_lists_filters(client, cast):
    a = report_in(cast, Status.IN_PROGRESS, title="Jalan berlubang")
    b = file_report(cast, title="Lampu jalan mati")
    client.force_login(cast.supervisor)
    assert _codes(client.get("/kantor/laporan/peta.geojson")) >= {a.code, b.code}
    narrowed = _codes(client.get("/kantor/laporan/peta.geojson?status=submitted"))
    assert narrowed == {b.code} == _list_codes(client, "/kantor/laporan/?status=submitted")
    assert _codes(client.get("/kantor/laporan/peta.geojson?q=berlubang")) == {a.code}


def test_staff_see_the_exact_point_and_each_pin_links_to_the_workspace(client, cast):
    exact = report_in(
        cast, Status.IN_PROGRESS, anonymous=True, latitude="-8.493512", longitude="117.420811"
    )
    client.force_login(cast.officer_a)
    feature = client.get("/kantor/kotak-masuk/peta.geojson").json()["features"][0]
    assert feature["geometry"]["coordinates"] == [117.420811, -8.493512]
    props = feature["properties"]
    assert props["at"] == "point" and props["status"] == "in_progress"
    assert props["url"] == f"/kantor/laporan/{exact.code}/"
    assert props["zone"] == "green"
    assert client.get("/kantor/kotak-masuk/peta.geojson")["Cache-Control"] == ("private, no-store")


def test_an_overdue_pin_is_marked_red(client, cast):
    with time_machine.travel(dt.datetime(2026, 4, 6, 9, tzinfo=WITA), tick=False):
        late = report_in(cast, Status.DISPOSITIONED)
    with time_machine.travel(dt.datetime(2026, 4, 30, 9, tzinfo=WITA), tick=False):
        client.force_login(cast.officer_a)
        features = client.get("/kantor/kotak-masuk/peta.geojson").json()["features"]
    assert [(f["properties"]["code"], f["properties"]["zone"]) for f in features] == [
        (late.code, "red")
    ]


def test_the_map_page_links_its_list_and_loads_the_data_without_inline_script(client, cast):
    client.force_login(cast.dispatcher)
    page = client.get("/kantor/antrean/peta/?status=in_progress").content.decode()
    assert 'href="/kantor/antrean/?status=in_progress"' in page
    assert 'data-pins-url="/kantor/antrean/peta.geojson?status=in_progress"' in page
    assert "/static/vendor/leaflet/leaflet.js" in page
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert all('type="application/json"' in s for s in scripts), scripts
    listing = client.get("/kantor/antrean/?status=in_progress").content.decode()
    assert 'href="/kantor/antrean/peta/?status=in_progress"' in listing


@pytest.mark.parametrize(
    "url",
    [
        "/kantor/antrean/peta/",
        "/kantor/antrean/peta.geojson",
        "/kantor/kotak-masuk/peta/",
        "/kantor/kotak-masuk/peta.geojson",
        "/kantor/laporan/peta/",
        "/kantor/laporan/peta.geojson",
    ],
)
def test_citizens_and_visitors_are_refused(client, cast, url):
    file_report(cast)
    assert client.get(url).status_code == 302  # to the log-in
    client.force_login(cast.citizen)
    assert client.get(url).status_code == 403


def test_each_list_map_is_for_the_lists_own_roles(client, cast):
    client.force_login(cast.officer_a)
    assert client.get("/kantor/antrean/peta.geojson").status_code == 403
    client.force_login(cast.dispatcher)
    assert client.get("/kantor/kotak-masuk/peta.geojson").status_code == 403
    client.force_login(cast.supervisor)
    assert client.get("/kantor/antrean/peta/").status_code == 403
    assert client.get("/kantor/laporan/peta/").status_code == 200


# --- the kecamatan maps -----------------------------------------------------------------------


def _rows(**figures):
    """Dashboard rows by kecamatan name: name=(received, overdue)."""
    codes = {name: code for code, name, _p in geo.district_shapes()}
    return [
        Row(codes[name], name, received, 0, overdue)
        for name, (received, overdue) in figures.items()
    ]


def test_the_svg_has_one_path_per_kecamatan_with_its_class_and_title():
    # The largest count is 10: classes of 2 (0–2, 3–4, 5–6, 7–8, 9–10). With 2 reports at most
    # the classes are 0–1, 2, 3, 4, 5: whole numbers in the legend, the upper ones empty.
    shaded = choropleth.kecamatan_maps(
        [*_rows(Sumbawa=(10, 5), Alas=(3, 0), Lunyuk=(5, 1)), Row(None, "Tanpa kecamatan", 7)]
    )
    received, late = shaded["maps"]
    assert len(received.areas) == len(late.areas) == len(KECAMATAN) == 24
    by_name = {a.name: a for a in received.areas}
    assert (by_name["Sumbawa"].level, by_name["Alas"].level, by_name["Lunyuk"].level) == (5, 2, 3)
    assert by_name["Utan"].level == 1 and by_name["Utan"].value == 0
    assert by_name["Sumbawa"].fill == choropleth.BLUES[4]
    assert [key.label for key in received.legend] == ["0–2", "3–4", "5–6", "7–8", "9–10"]
    shares = {a.name: a for a in late.areas}
    assert (shares["Sumbawa"].value, shares["Sumbawa"].level) == (50, 3)
    assert (shares["Alas"].value, shares["Alas"].level) == (0, 1)
    assert (shares["Lunyuk"].value, shares["Lunyuk"].level) == (20, 2)
    assert (shares["Utan"].value, shares["Utan"].level) == (None, 0)
    assert shares["Utan"].fill == choropleth.NO_DATA
    assert by_name["Sumbawa"].title == "Sumbawa: 10 laporan"
    assert shares["Sumbawa"].title == "Sumbawa: 50% terlambat (5 dari 10 laporan)"
    assert all(a.d.startswith("M") and a.d.endswith("Z") for a in received.areas)


def test_the_share_classes_are_steps_of_twenty_points():
    assert [choropleth.share_level(p) for p in (None, 0, 19, 20, 59, 60, 80, 100)] == [
        0,
        1,
        1,
        2,
        3,
        4,
        5,
        5,
    ]
    assert [choropleth.count_level(n, 1) for n in (0, 1, 3, 9)] == [1, 1, 3, 5]


def test_the_projection_is_made_once_per_process():
    assert choropleth._projected() is choropleth._projected()
    projection = choropleth._projected()
    assert projection.width == choropleth.WIDTH and 300 < projection.height < 500
    points = sum(len(r) for s in projection.shapes for r in s.rings)
    assert 200 < points < 2000


def _svg_paths(body: str, slug: str) -> list[str]:
    figure = re.search(rf'<figure id="peta-{slug}">(.*?)</figure>', body, re.S).group(1)
    return re.findall(r"<path [^>]*>\s*<title>[^<]+</title>", figure)


def test_the_dashboard_shows_both_maps_with_legend_titles_and_table(client, cast):
    report_in(cast, Status.IN_PROGRESS)
    report_in(cast, Status.SUBMITTED)
    client.force_login(cast.supervisor)
    body = client.get("/kantor/statistik/").content.decode()
    for slug in ("received", "overdue"):
        paths = _svg_paths(body, slug)
        assert len(paths) == 24
    assert re.search(
        r'class="c2" data-kecamatan="52.04.08">\s*<title>Sumbawa: 2 laporan</title>', body
    )
    assert "Keterangan warna" in body and "tidak ada laporan" in body
    assert re.search(r'district=52.04.08" class="n">2</a>', body)
    assert "<script" not in body.split('id="kecamatan-maps-title"')[1].split("</section>")[0]


def test_the_evaluation_page_shows_the_months_maps(client, cast):
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=WITA), tick=False):
        report_in(cast, Status.DISPOSITIONED)
    client.force_login(cast.dispatcher)
    body = client.get("/kantor/statistik/evaluasi/?bulan=2026-03").content.decode()
    assert len(_svg_paths(body, "received")) == len(_svg_paths(body, "overdue")) == 24
    assert "Sumbawa: 1 laporan" in body
    other = client.get("/kantor/statistik/evaluasi/?bulan=2026-02").content.decode()
    assert "Sumbawa: 0 laporan" in other


def _pdf_text(content: bytes) -> str:
    """The page streams of a PDF, inflated (fpdf2 compresses them)."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            text.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            text.append(stream.decode("latin-1"))
    return "\n".join(text)


def test_the_evaluation_pdf_draws_the_maps(client, cast, monkeypatch):
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=WITA), tick=False):
        report_in(cast, Status.DISPOSITIONED)
    client.force_login(cast.supervisor)
    response = client.get("/kantor/statistik/evaluasi/?bulan=2026-03&format=pdf")
    assert response.content.startswith(b"%PDF-")
    text = _pdf_text(response.content)
    assert "Peta kecamatan" in text
    assert "Laporan diterima per kecamatan" in text
    assert "Bagian laporan yang terlambat per kecamatan" in text
    # one closed, filled and stroked polygon ("h B") per ring of every kecamatan, on both maps
    rings = sum(len(s.rings) for s in choropleth._projected().shapes)
    assert len(re.findall(r"\sh\s+B\s", text)) == 2 * rings
    from aduan.stats import evaluation

    monkeypatch.setattr(evaluation, "_kecamatan_maps_pdf", lambda pdf, data: None)
    without = client.get("/kantor/statistik/evaluasi/?bulan=2026-03&format=pdf")
    assert len(response.content) > len(without.content) + 2000
