"""One form per back-office action (STYLE 12): it reads and renders its fields, and `act()` makes
one call of `aduan.reports.actions`.

The forms check shape only. A choice that is not offered (another agency's officer, a template of
another agency, an inactive agency) is passed on as the row it names or as None, and the action
refuses it with its own message, so the back office, the API and the tests see the same rule.

Two actions may ask the user to look again before anything changes (the workspace then shows the
form again, status 200): a chosen reply template is put into the text box to be edited, not added
to the text unseen on the server, and a merge asks for confirmation (it can be undone).

The forms are by actor, as the actions are: `dispatcher`, `agency` (with extensions and
sub-units), `split`; `_base` holds what they share. `FORMS` lists what the back office offers.
"""

from aduan.reports.transitions import Action

from ._base import ActionForm, Offered, Review, _text
from .agency import (
    AcceptForm,
    AnswerForm,
    ApproveAnswerForm,
    AssignForm,
    DecideExtensionForm,
    DeclineForm,
    NoteForm,
    PassDownForm,
    RequestExtensionForm,
    RequestInfoForm,
    ReturnAnswerForm,
    TakeBackForm,
)
from .dispatcher import (
    ArchiveForm,
    CloseForm,
    DispatcherNoteForm,
    DispositionForm,
    EditPublicForm,
    HoldForm,
    MergeForm,
    ReclassifyForm,
    RedispositionForm,
    ResumeForm,
    ReturnForm,
    SetPriorityForm,
    ShareEvidenceForm,
    UnmergeForm,
)
from .split import ReopenPartForm, SplitForm

__all__ = ["FORMS", "ActionForm", "Offered", "Review", "_text"]

# What the back office offers, in this order; the reporter's own actions belong to the portal.
FORMS: dict[Action, type[ActionForm]] = {
    form.action: form
    for form in (
        DispositionForm,
        RedispositionForm,
        SplitForm,
        ReturnForm,
        HoldForm,
        ResumeForm,
        ArchiveForm,
        MergeForm,
        UnmergeForm,
        ReclassifyForm,
        SetPriorityForm,
        EditPublicForm,
        ShareEvidenceForm,
        DispatcherNoteForm,
        CloseForm,
        AcceptForm,
        DeclineForm,
        AssignForm,
        NoteForm,
        RequestInfoForm,
        RequestExtensionForm,
        DecideExtensionForm,
        AnswerForm,
        ApproveAnswerForm,
        ReturnAnswerForm,
        ReopenPartForm,
        PassDownForm,
        TakeBackForm,
    )
}
