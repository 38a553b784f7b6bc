"""What the accounts tell the layers above without importing them (`pyproject.toml` layers)."""

from django.dispatch import Signal

# Sent by `actions.do_change_profile`, inside its transaction, when a profile was changed and is
# complete (argument: user). The reports waiting for it are released on it
# (`aduan.reports.actions.release_awaiting_reports`, issue 13).
profile_completed = Signal()
