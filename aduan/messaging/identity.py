"""Who is writing: a number, and the account whose verified phone it is (if any).

A verified number acts for its account; any other number is the reporter of the reports filed
from it (as SMS always did), acting through `transitions.PhoneReporter`.
"""

from dataclasses import dataclass

from django.db.models import Q

from aduan.reports.models import Report
from aduan.reports.transitions import PhoneReporter


def account_for(phone: str):
    from aduan.sms.models import VerifiedPhone

    verified = (
        VerifiedPhone.objects.select_related("user")
        .filter(phone=phone, user__is_active=True)
        .first()
    )
    return verified.user if verified else None


@dataclass
class Sender:
    channel: str
    phone: str
    user: object = None

    @classmethod
    def of(cls, channel: str, phone: str) -> "Sender":
        return cls(channel, phone, account_for(phone))

    def reports(self):
        """The reports this sender may follow: filed from the number, or by its account."""
        mine = Q(reporter__isnull=True, reporter_phone=self.phone)
        if self.user is not None:
            mine |= Q(reporter=self.user) | Q(filed_by=self.user)
        return Report.objects.filter(mine)

    def actor_for(self, report: Report):
        if self.user is not None and self.user.pk in (report.reporter_id, report.filed_by_id):
            return self.user
        return PhoneReporter(self.phone)
