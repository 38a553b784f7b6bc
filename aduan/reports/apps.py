from django.apps import AppConfig


def _lists_changed(sender, update_fields=None, **kwargs):
    """A row that lists show was saved or deleted: cached lists are out of date once it commits."""
    from django.contrib.auth import get_user_model

    from aduan.core import fragments

    # A log-in only stamps last_login: nothing a list shows.
    if (
        sender is get_user_model()
        and update_fields is not None
        and set(update_fields) <= {"last_login"}
    ):
        return
    fragments.changed()


class ReportsConfig(AppConfig):
    name = "aduan.reports"
    label = "reports"
    verbose_name = "Laporan"

    def ready(self):
        from django.contrib.auth import get_user_model

        from . import personal_data

        personal_data.register()
        from aduan.accounts.signals import profile_completed

        profile_completed.connect(_profile_completed, dispatch_uid="reports-release-awaiting")
        from django.db.models.signals import post_delete, post_save

        from aduan.directory.models import Agency, Category, CategoryQuestion, Region

        from .models import Attachment, Disposition, Report, Support, TimelineEvent

        post_delete.connect(
            _attachment_deleted, sender=Attachment, dispatch_uid="attachment-derivatives-delete"
        )
        for model in (
            Report,
            Disposition,
            TimelineEvent,
            Attachment,
            Support,
            Agency,
            Category,
            CategoryQuestion,  # Open311's services document shows them
            Region,
            get_user_model(),
        ):
            post_save.connect(
                _lists_changed, sender=model, dispatch_uid=f"fragments-{model._meta.label}-save"
            )
            post_delete.connect(
                _lists_changed, sender=model, dispatch_uid=f"fragments-{model._meta.label}-delete"
            )


def _profile_completed(sender, user, **kwargs):
    """A citizen's profile is complete: their waiting reports are released (issue 13)."""
    from .actions import release_awaiting_reports

    release_awaiting_reports(user)


def _attachment_deleted(sender, instance, **kwargs):
    """A deleted attachment's smaller copies go with it (issue 13), once the deletion commits."""
    from django.db import transaction

    from . import derivatives

    storage = instance.file.storage
    names = [instance.file.name, instance.blurred_file.name if instance.blurred_file else ""]

    def remove_derivatives() -> None:
        for name in names:
            derivatives.remove(storage, name)

    transaction.on_commit(remove_derivatives)
