from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _on_event(sender, event, **kwargs):
    from .events import publish

    publish(event)


class FeedConfig(AppConfig):
    name = "aduan.feed"
    verbose_name = _("Umpan peristiwa")

    def ready(self):
        from aduan.core import refusals
        from aduan.notifications import transports
        from aduan.reports.signals import event_recorded

        from .delivery import send

        event_recorded.connect(_on_event, dispatch_uid="feed-publish-event")
        transports.register("webhook", send)
        # Its clients read JSON (the replay): so do its refusals made before the view.
        refusals.register("/integrasi/", refusals.json_error)
