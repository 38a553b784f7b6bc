"""The demo Open311 application (api_key `demo-open311-key`), called from
`aduan.demo.seeding.seed`."""

from .models import Application, hash_key

DEMO_KEY = "demo-open311-key"


def seed_demo_application() -> Application:
    application = Application.objects.filter(key_hash=hash_key(DEMO_KEY)).first()
    if application is None:
        application = Application(
            name="Aplikasi Demo Open311", contact_email="open311@aduan.invalid"
        )
        application.set_key(DEMO_KEY)
        application.save()
    return application
