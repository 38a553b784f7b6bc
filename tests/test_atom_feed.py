"""The Atom feed of public reports (issue 15, "Follow and alerts"): a kepala desa or a journalist
follows a kecamatan, a desa or a category in any feed reader; the feed lists only what the public
list shows, in the public version, masked, without reporters."""

import xml.etree.ElementTree as ET

import pytest

from aduan.directory.models import Category, Region
from aduan.reports import actions
from aduan.reports.models import Status
from tests.conftest import file_report, report_in

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, query=""):
    response = client.get(f"/laporan/umpan.atom{query}")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return root, {
        e.find(f"{ATOM}title").text: (e.find(f"{ATOM}summary").text or "")
        for e in root.iter(f"{ATOM}entry")
    }


def test_it_lists_only_public_reports_in_their_public_version(client, cast):
    public = report_in(
        cast,
        Status.IN_PROGRESS,
        title="Lampu jalan mati",
        description="Hubungi saya di 0813-3910-0022 kalau perlu.",
    )
    anonymous = report_in(cast, Status.CLOSED, title="Jembatan retak", anonymous=True)
    confidential = report_in(cast, Status.IN_PROGRESS, title="Pungutan liar", confidential=True)
    unverified = file_report(cast, title="Belum diverifikasi")
    edited = report_in(cast, Status.IN_PROGRESS, title="SD Negeri 3 Seketeng rusak")
    actions.do_edit_public_text(
        edited, actor=cast.dispatcher, title="Sekolah dasar rusak", description="Atap bocor."
    )

    _root, listed = entries(client)
    text = " ".join(listed) + " ".join(listed.values())
    assert any(public.code in t for t in listed) and any(anonymous.code in t for t in listed)
    assert confidential.code not in text and unverified.code not in text
    assert "SD Negeri 3" not in text and "Sekolah dasar rusak" in text
    assert "0813-3910-0022" not in text and "3910" not in text  # masked as on the public page
    for name in (cast.citizen.full_name, cast.citizen.username):
        assert name not in text


def test_it_follows_a_kecamatan_a_desa_and_a_category(client, cast):
    seketeng = Region.objects.get(code="52.04.08.1004")
    here = report_in(cast, Status.IN_PROGRESS, title="Di Seketeng")
    other_village = seketeng.parent.children.exclude(code=seketeng.code).first()
    there = report_in(
        cast,
        Status.IN_PROGRESS,
        title="Di desa lain",
        village=other_village,
        district=seketeng.parent,
    )
    water = report_in(
        cast,
        Status.IN_PROGRESS,
        title="Air mati",
        category=Category.objects.get(code="infrastruktur-air"),
    )
    root, listed = entries(client, f"?desa={seketeng.code}")
    codes = " ".join(listed)
    assert here.code in codes and water.code in codes and there.code not in codes
    assert seketeng.name in root.find(f"{ATOM}title").text

    _root, listed = entries(client, "?category=" + str(water.category.pk))
    assert [water.code in t for t in listed] == [True]

    _root, listed = entries(client, f"?district={seketeng.parent.pk}")
    assert {here.code, there.code, water.code} <= {t.split("]")[0][1:] for t in listed}


def test_an_unknown_filter_is_a_404_not_a_500(client, cast):
    assert client.get("/laporan/umpan.atom?desa=99.99").status_code == 404
    assert client.get("/laporan/umpan.atom?category=abc").status_code == 404
    assert client.get("/laporan/umpan.atom?desa=52.04.08").status_code == 404  # a kecamatan


def test_the_public_list_links_its_feed_with_the_same_filters(client, cast):
    page = client.get("/laporan/?district=52.04.08").content.decode()
    assert 'type="application/atom+xml"' in page
    assert "/laporan/umpan.atom?district=52.04.08" in page
