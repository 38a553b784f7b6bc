"""The data every cell of the authorisation matrix is asked about, built once per module.

The cast of tests/conftest.py plays the roles; every report is made by the real actions. The
reports the matrix asks about are *confidential* (never public) and were filed by the RT/RW
representative on behalf of the citizen, so that whether a role reaches one depends only on who
the role is: the reporter and the representative who filed it, the dispatcher, the agency that
holds it (agency A), the supervisor, or an outsider (another citizen, agency B, the sysadmin).
"""

import datetime as dt

import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client

from aduan.api.models import ApiToken
from aduan.federation.models import RemoteServer, ServiceMapping
from aduan.forwarding import actions as forwarding
from aduan.forwarding.models import OutsideContact
from aduan.notifications.models import Channel as NotificationChannel
from aduan.notifications.models import Notification
from aduan.open311.models import Application, ServiceRequest
from aduan.reports import actions
from aduan.reports.models import Channel, Status
from aduan.stats.models import EvaluationReport
from tests.conftest import Cast, report_in
from tests.portal import give_profile
from tests.sub_units import officer_of, sub_unit_of_a

ROLES = (
    "public",
    "citizen",
    "other_citizen",
    "representative",
    "dispatcher",
    "officer_a",
    "officer_b",
    "supervisor",
    "sysadmin",
    # Whoever holds a link sent to an outside body (aduan.forwarding): no account, only the link.
    "outside",
    # An officer of a sub-unit of agency A (issue 16): reaches only the report A passed down to
    # its sub-unit ("passed"); for everything else of A, what an officer of another agency gets.
    "sub_unit",
)
NO_ACCOUNT = ("public", "outside")
OPEN311_KEY = "matrix-open311-key"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def photo(name="foto-lokasi.png"):
    upload = ContentFile(PNG, name=name)
    upload.content_type = "image/png"
    return upload


class World:
    def __init__(self):
        cast = self.cast = Cast()
        # Citizens who file have their KTP profile (the portal and the API ask for it first).
        give_profile(
            cast.citizen,
            nik="5204081203900001",
            full_name=cast.citizen.full_name,
            phone=cast.citizen.phone,
        )
        give_profile(cast.other_citizen, nik="5204084203900002", sex="P")
        give_profile(cast.representative, nik="5204080101800003", birth_date=dt.date(1980, 1, 1))
        self.sub_unit = sub_unit_of_a(cast)
        cast.sub_unit = officer_of(self.sub_unit)
        self.users = {role: getattr(cast, role) for role in ROLES if role not in NO_ACCOUNT}
        self.users.update(dict.fromkeys(NO_ACCOUNT))
        self.tokens = {
            role: ApiToken.issue(user, "matrix")[1] for role, user in self.users.items() if user
        }

        def held(status, **extra):
            fields = {
                "filed_by": cast.representative,
                "consent": True,
                "channel": Channel.REPRESENTATIVE,
                "representative_relationship": "Ketua RT",
                "confidential": True,
            }
            return report_in(cast, status, **{**fields, **extra})

        self.reports = {
            "submitted": held(Status.SUBMITTED),
            "duplicate_target": held(Status.SUBMITTED, title="Jalan berlubang lagi"),
            "returned": held(Status.RETURNED),
            "dispositioned": held(Status.DISPOSITIONED),
            "in_progress": held(Status.IN_PROGRESS, attachments=[photo()]),
            "paused": held(Status.IN_PROGRESS, paused=True),
            "responded": held(Status.RESPONDED),
            # The one public report: verified and not confidential.
            "public": held(Status.IN_PROGRESS, confidential=False, attachments=[photo()]),
        }
        # Handed over to the Ombudsman by its reporter once past its limit (issue 16): its case
        # file is the reporter's and the staff's who handle or watch it.
        handed_over = held(Status.IN_PROGRESS, title="Drainase meluap")
        with time_machine.travel(handed_over.due_at + dt.timedelta(days=1), tick=False):
            actions.do_hand_over_to_ombudsman(handed_over, actor=cast.citizen, consent=True)
        self.reports["handed_over"] = handed_over
        # Held by agency A, then moved to agency B: A no longer reaches it.
        moved = held(Status.DISPOSITIONED, title="Saluran tersumbat")
        self.reports["moved"] = actions.do_redisposition(
            moved, cast.agency_b, actor=cast.dispatcher, instruction="Kewenangan Dinkes."
        )
        # Passed down by agency A to its sub-unit (issue 16).
        self.reports["passed"] = actions.do_pass_down(
            held(Status.IN_PROGRESS, title="Posyandu bocor"),
            self.sub_unit,
            actor=cast.officer_a,
            note="Mohon dicek.",
        )
        # Forwarded to an outside body; only the "outside" role holds its link.
        self.reports["forwarded"] = held(Status.SUBMITTED, title="Pipa bocor")
        contact = OutsideContact.objects.create(name="PDAM uji", email="pdam@example.test")
        self.outside_contact = contact.pk
        _forwarding, self.outside_token = forwarding.do_forward(
            self.reports["forwarded"], contact, actor=cast.dispatcher, text="Pipa bocor."
        )
        # Another Open311 server, mapped for the reports' category (nothing listens there).
        remote = RemoteServer.objects.create(name="Aduan uji", base_url="http://127.0.0.1:9/")
        ServiceMapping.objects.create(
            server=remote, category=self.reports["submitted"].category, service_code="jalan"
        )
        self.remote_server = remote.pk
        self.attachments = {
            key: r.attachments.get().pk for key, r in self.reports.items() if r.attachments.exists()
        }
        # A report whose tracking secret the matrix knows (report_in does not keep it).
        self.tracked, self.tracked_secret = actions.do_file_report(
            reporter=cast.citizen,
            title="Lampu jalan padam",
            description="Gelap sejak dua minggu di Jalan Garuda.",
        )
        self.notification = (
            Notification.objects.filter(recipient=cast.citizen, channel=NotificationChannel.IN_APP)
            .order_by("pk")
            .first()
            .pk
        )
        application = Application(name="Aplikasi uji matriks")
        application.set_key(OPEN311_KEY)
        application.save()
        self.open311_token = "matrix-token-1"
        ServiceRequest.objects.create(
            application=application, report=self.reports["public"], token=self.open311_token
        )
        job = EvaluationReport(
            requested_by=cast.supervisor,
            period_start=dt.date(2026, 3, 1),
            period_end=dt.date(2026, 3, 31),
            format="xlsx",
            state=EvaluationReport.State.DONE,
        )
        job.file.save("evaluasi-matriks.xlsx", ContentFile(b"PK\x03\x04 uji"), save=True)
        self.evaluation = job.pk
        self.citizen_token_id = ApiToken.objects.filter(user=cast.citizen).get().pk
        # A logged-in session per role, made once: each cell runs in a savepoint rolled back
        # afterwards, so a cell that logs out or rotates its session leaves it to the next.
        self.sessions = {}
        for role, user in self.users.items():
            if user is not None:
                login = Client()
                login.force_login(user)
                self.sessions[role] = login.cookies[settings.SESSION_COOKIE_NAME].value

    def link(self, role: str) -> str:
        """The outside link as `role` has it: the real one for the outside body; for everyone
        else, a link never issued (they were not given one; a session opens nothing)."""
        return self.outside_token if role == "outside" else "tautan-yang-tidak-pernah-dikirim"

    def code(self, key: str) -> str:
        return self.reports[key].code
