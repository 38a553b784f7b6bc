import datetime as dt

import pytest
from django.utils import timezone

from aduan.web.models import FilingToken
from aduan.web.tasks import purge_filing_tokens
from tests.conftest import file_report

pytestmark = pytest.mark.django_db


def test_it_purges_old_filing_tokens_and_keeps_fresh_ones(cast):
    now = timezone.now()
    fresh = FilingToken.objects.create(user=cast.citizen)
    stale = FilingToken.objects.create(user=cast.citizen)
    used = FilingToken.objects.create(user=cast.citizen, report=file_report(cast))
    FilingToken.objects.filter(pk__in=[stale.pk, used.pk]).update(
        created_at=now - dt.timedelta(days=3)
    )
    assert purge_filing_tokens(now) == 1
    assert set(FilingToken.objects.values_list("pk", flat=True)) == {fresh.pk, used.pk}
    assert purge_filing_tokens(now + dt.timedelta(days=31)) == 2
