"""Master data shipped with the product, loaded idempotently."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aduan.directory import loading
from aduan.directory.models import Agency, Category, CategoryQuestion, Holiday, Region, SlaPolicy

pytestmark = pytest.mark.django_db


def counts():
    return (
        Region.objects.count(),
        Agency.objects.count(),
        Category.objects.count(),
        CategoryQuestion.objects.count(),
        Holiday.objects.count(),
        SlaPolicy.objects.count(),
    )


def test_it_ships_the_regions_nid_checks_need_and_sumbawas_villages():
    assert Region.objects.filter(level=1).count() == 38
    assert Region.objects.filter(level=2).count() == 514
    assert Region.objects.filter(level=3).count() == 7285
    sumbawa = Region.objects.get(code="52.04")
    assert sumbawa.name == "Kabupaten Sumbawa" and sumbawa.parent_id == "52"
    assert Region.objects.filter(level=3, parent=sumbawa).count() == 24
    assert Region.objects.filter(level=4, code__startswith="52.04.").count() == 165
    assert Region.objects.get(code="52.04.08").name == "Sumbawa"


def test_it_ships_32_agencies_and_the_lapor_categories():
    assert Agency.objects.count() == 32
    assert Agency.objects.get(code="inspektorat").is_inspectorate
    assert Category.objects.count() == 36
    pungli = Category.objects.get(code="pungli")
    assert pungli.supervisory and pungli.default_agency.code == "inspektorat"
    assert Category.objects.get(code="infrastruktur-jalan").parent.code == "infrastruktur"
    assert Category.objects.get(code="infrastruktur-jalan").questions.filter(required=True).exists()


def test_loading_again_changes_nothing_and_keeps_edits(capsys):
    call_command("load_master_data")
    first_run = counts()
    call_command("load_master_data")
    assert counts() == first_run
    agency = Agency.objects.get(code="pupr")
    agency.name, agency.is_active = "Dinas PUPR (nama baru)", False
    agency.save()
    Holiday.objects.filter(date__year=2026).first().delete()
    before = counts()
    call_command("load_master_data")
    assert "agencies: 0 baru" in capsys.readouterr().out
    after = counts()
    assert after[:4] == before[:4] and after[5] == before[5]
    assert after[4] == before[4] + 1  # only the deleted national holiday came back
    agency.refresh_from_db()
    assert agency.name == "Dinas PUPR (nama baru)" and not agency.is_active


def test_it_loads_the_villages_of_another_regency_once(capsys):
    call_command("load_villages", "33.74")  # Kota Semarang
    assert "33.74: 177 desa/kelurahan baru" in capsys.readouterr().out
    assert Region.objects.get(code="33.74.01.1001").parent.parent.code == "33.74"
    call_command("load_villages", "33.74")
    assert "33.74: 0 desa/kelurahan baru" in capsys.readouterr().out


def test_an_unknown_regency_is_refused():
    with pytest.raises(CommandError, match=r"99\.99"):
        call_command("load_villages", "99.99")


def test_holidays_for_a_later_year():
    added = loading.load_holidays([2031])
    assert added > 10
    assert Holiday.objects.filter(date__year=2031, name__icontains="Kemerdekaan").exists()


def test_the_monthly_task_keeps_holidays_loaded_ahead():
    import datetime as dt

    from aduan.directory.tasks import refresh_national_holidays

    Holiday.objects.filter(date__year=dt.date.today().year + 2).delete()
    assert refresh_national_holidays.call_local() > 0
    assert Holiday.objects.filter(date__year=dt.date.today().year + 2).exists()
