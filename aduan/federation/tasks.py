from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from . import actions
from .models import RemoteRequest


@db_task(retries=0)
def send_remote_request(pk: int) -> bool:
    """Right after a forwarding commits: try to send at once (the sweep tries again later)."""
    request = RemoteRequest.objects.select_related("server", "report").filter(pk=pk).first()
    return bool(request and actions.send(request))


@db_periodic_task(crontab(minute="*/5"))
@lock_task("aduan-open311-outbound")
def open311_outbound_sweep() -> dict[str, int]:
    """Send what is waiting and fetch the status of every request another server follows."""
    return actions.sweep()
