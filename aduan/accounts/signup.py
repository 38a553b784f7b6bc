"""The portal's sign-up (`/daftar/`): allauth's form and flow, the account made by
`actions.do_register`.

The form checks the shape of what was typed (user name characters, password strength, NIK digits
and district, birth date and sex against the NIK, phone, desa) and says precisely what is wrong;
whether the user name, e-mail or NIK already has an account it never says (issue 11 §3): a taken
one is answered with the same "we sent you a link" page as a new one, and the owner is told by
e-mail (`do_register`).
"""

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.internal.flows.email_verification import (
    add_email_verification_sent_message,
)

from . import actions


class SignupForm(AllauthSignupForm):
    def clean_username(self) -> str:
        # allauth's check without its "this user name is taken" (`shallow`).
        return get_adapter().clean_username(self.cleaned_data["username"], shallow=True)

    def try_save(self, request):
        data = self.cleaned_data
        user = actions.do_register(
            request,
            actions.Registration(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                phone=data["phone"],
                profile=self.profile(),
            ),
            channel="web",
        )
        if user is None:
            # The page a new account gets, with its "we sent a link to …" message.
            add_email_verification_sent_message(request, data["email"], signup=True)
            return None, get_adapter(request).respond_email_verification_sent(request, None)
        return user, None
