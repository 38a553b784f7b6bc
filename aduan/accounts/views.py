from allauth.account import views as account_views
from django.db import IntegrityError, transaction


def signup(request, *args, **kwargs):
    """allauth's sign-up. A NIK, username or e-mail taken by another sign-up that committed a
    moment before this one (after this form was checked) breaks a unique constraint; the form is
    then checked again, finds the value taken, and is shown as typed with that message."""
    try:
        with transaction.atomic():
            return account_views.signup(request, *args, **kwargs)
    except IntegrityError:
        return account_views.signup(request, *args, **kwargs)
