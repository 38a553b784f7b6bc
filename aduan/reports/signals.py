"""Signals the reports app sends, so that apps above it can follow a report without the life
cycle importing them."""

from django.dispatch import Signal

# Sent by the life-cycle actions inside their transaction, after a report was filed, imported or
# changed (`report=`; `created=True` when the report was made in that transaction). Receivers
# write in the same transaction, so what they keep (the search document: `aduan.search.apps`)
# changes exactly when the report does and rolls back with it.
report_changed = Signal()

# Sent by `actions._core._event` inside the action's transaction for every timeline event
# (`event=`): the signed event feed (`aduan.feed`) publishes the public ones in the same
# transaction.
event_recorded = Signal()
