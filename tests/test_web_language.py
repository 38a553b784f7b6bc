import pytest

pytestmark = pytest.mark.django_db


def test_it_speaks_indonesian_by_default_even_to_an_english_browser(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Cara melapor" in body and 'lang="id"' in body


def test_the_switch_turns_the_portal_into_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/laporan/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert "How to report" in body and "File a report" in body and 'lang="en"' in body
    assert "Public reports" in client.get("/laporan/").content.decode()
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert "Cara melapor" in client.get("/").content.decode()


def test_errors_are_translated_too(client, cast):
    from tests.portal import give_profile

    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post("/akun/profil/", {"nik": "5204991203900001"})
    assert "district code 52.04.99 in the NIK is unknown" in response.content.decode()


def test_every_message_has_an_english_translation():
    from pathlib import Path

    from babel.messages.pofile import read_po

    po = (
        Path(__file__).resolve().parents[1]
        / "aduan"
        / "locale"
        / "en"
        / "LC_MESSAGES"
        / "django.po"
    )
    with po.open("rb") as f:
        catalog = read_po(f)
    untranslated = [
        m.id
        for m in catalog
        if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    assert untranslated == []
