import re

import pytest

from aduan.open311.models import Application

pytestmark = pytest.mark.django_db


def test_a_sysadmin_registers_an_application_and_sees_its_key_once(client, cast):
    client.force_login(cast.sysadmin)
    response = client.post(
        "/admin/open311/application/add/",
        {"name": "Aplikasi Warga Moyo", "contact_email": "dev@moyo.id", "is_active": "on"},
        follow=True,
    )
    text = response.content.decode()
    key = re.search(r"tidak ditampilkan lagi\): ([\w-]+)", text).group(1)
    application = Application.objects.get(name="Aplikasi Warga Moyo")
    assert Application.for_key(key) == application and key not in application.key_hash
    assert (
        key
        not in client.get(f"/admin/open311/application/{application.pk}/change/").content.decode()
    )


def test_a_citizen_cannot_reach_the_applications(client, cast):
    client.force_login(cast.citizen)
    assert client.get("/admin/open311/application/").status_code == 302
