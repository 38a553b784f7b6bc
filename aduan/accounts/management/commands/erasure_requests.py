from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from aduan.accounts import personal_data
from aduan.accounts.models import ErasureRequest, Role, User


class Command(BaseCommand):
    help = (
        "Citizens' requests to erase their personal data (UU 27/2022): list them (pending by "
        "default, --all for every one), --show ID for one (its open reports: they will go on "
        "without a reporter to contact), --execute ID or --refuse ID --reason TEXT, --by the "
        "sysadmin's user name. Execution and refusal are audited under that account."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--show", type=int, metavar="ID")
        action.add_argument("--execute", type=int, metavar="ID")
        action.add_argument("--refuse", type=int, metavar="ID")
        parser.add_argument("--all", action="store_true", help="list decided requests too")
        parser.add_argument("--by", help="user name of the sysadmin who decides")
        parser.add_argument("--reason", default="", help="why a request is refused (required)")

    def handle(self, *args, show, execute, refuse, all, by, reason, **options):
        if show:
            return self._show(self._request(show))
        if execute or refuse:
            actor = self._actor(by)
            try:
                if execute:
                    erasure = personal_data.do_execute_erasure(execute, actor=actor)
                    self.stdout.write(f"request {erasure.pk} executed: {erasure.summary}")
                else:
                    erasure = personal_data.do_refuse_erasure(refuse, actor=actor, note=reason)
                    self.stdout.write(f"request {erasure.pk} refused")
            except ErasureRequest.DoesNotExist:
                raise CommandError("no such request") from None
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            return
        requests = ErasureRequest.objects.select_related("user").order_by("requested_at", "id")
        if not all:
            requests = requests.filter(state=ErasureRequest.State.PENDING)
        now = timezone.now()
        for r in requests:
            hours = (now - r.requested_at).total_seconds() / 3600
            self.stdout.write(
                f"{r.pk}\t{r.state}\t{r.user.username}\t"
                f"{timezone.localtime(r.requested_at):%Y-%m-%d %H:%M}\t{hours:.0f} h ago"
            )
        if not requests:
            self.stdout.write("no requests")

    def _request(self, pk: int) -> ErasureRequest:
        try:
            return ErasureRequest.objects.select_related("user").get(pk=pk)
        except ErasureRequest.DoesNotExist:
            raise CommandError("no such request") from None

    def _show(self, erasure: ErasureRequest) -> None:
        from django.apps import apps

        user = erasure.user
        report_model = apps.get_model("reports", "Report")
        reports = report_model.objects.filter(Q(reporter=user) | Q(filed_by=user))
        open_codes = list(reports.open().values_list("code", flat=True))
        self.stdout.write(f"request {erasure.pk}: {erasure.get_state_display()}")
        self.stdout.write(f"account {user.pk} ({user.username}), role {user.role}")
        self.stdout.write(f"reports: {reports.count()}, open: {', '.join(open_codes) or '-'}")
        if erasure.decision_note:
            self.stdout.write(f"note: {erasure.decision_note}")
        if erasure.summary:
            self.stdout.write(f"removed: {erasure.summary}")

    def _actor(self, username: str | None) -> User:
        if not username:
            raise CommandError("--by is required: the sysadmin who decides")
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None or not (actor.role == Role.SYSADMIN or actor.is_superuser):
            raise CommandError(f"{username} is not an active sysadmin")
        return actor
