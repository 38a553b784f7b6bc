"""Two copies of one filing form sent at the same moment (a double tap on a slow phone, two tabs):
exactly one report is filed, and both answers lead to it."""

import threading

import pytest
from django.db import connection
from django.test import Client

from aduan.accounts.models import User
from aduan.directory.models import Region
from aduan.reports.models import Report
from aduan.web.models import FilingToken
from tests.portal import give_profile

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_two_simultaneous_posts_of_one_form_file_once(master_data_again):
    user = give_profile(User.objects.create_user("serentak", password="x", email="s@example.test"))
    token = FilingToken.objects.create(user=user).token
    village = Region.objects.get(code="52.04.08.1004")
    data = {
        "form_token": token,
        "classification": "complaint",
        "title": "Dua kali tekan",
        "description": "Jembatan di Seketeng retak sejak kemarin; petugas belum datang.",
        "district": village.parent_id,
        "village": village.pk,
    }
    start, answers = threading.Barrier(2), []

    def post():
        client = Client()
        client.force_login(user)
        start.wait()
        try:
            answers.append(client.post("/lapor/", data))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = Report.objects.get()  # exactly one
    assert [a.status_code for a in answers] == [302, 302]
    assert {a["Location"] for a in answers} == {f"/laporan/{report.code}/terkirim/"}
