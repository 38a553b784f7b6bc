"""The demo's accounts (DESIGN §10): one for every role, the citizens with an invented KTP
profile, the staff with the published demo authenticator. All names, NIKs and phone numbers are
invented."""

import datetime as dt

from django.contrib.auth import get_user_model

from aduan.accounts.mfa import give_totp, has_totp, is_staff_account
from aduan.accounts.models import Role
from aduan.directory.models import Agency, Region

User = get_user_model()
PASSWORD = "aduan-demo"
# Staff must sign in with a second factor (STAFF_MFA_REQUIRED): every demo staff account has an
# authenticator with this published, demo-only secret, so that the demo shows the real log-in.
# Add it to an authenticator app, or print the current code with `manage.py demo_totp_code`.
DEMO_TOTP_SECRET = "ADUANDEMOSUMBAWAADUANDEMOSUMBAWA"

# username: (role, full name, agency code, representative, email, phone)
ACCOUNTS = {
    "dispatcher": (
        Role.DISPATCHER,
        "Baiq Nurul Hidayati",
        None,
        False,
        "dispatcher@aduan.invalid",
        "+6281239000001",
    ),
    # The head of PUPR approves its officers' answers (issue 17); listed before the officer, who
    # is the one the demo's PUPR reports are worked by.
    "kepala-pupr": (
        Role.OFFICER,
        "Ir. Lalu Muhammad Saleh",
        "pupr",
        False,
        "kepala-pupr@aduan.invalid",
        "+6281239000009",
    ),
    "agency-pupr": (
        Role.OFFICER,
        "Lalu Ahmad Fauzan",
        "pupr",
        False,
        "pupr@aduan.invalid",
        "+6281239000002",
    ),
    "agency-inspektorat": (
        Role.OFFICER,
        "Ni Made Sukasih",
        "inspektorat",
        False,
        "inspektorat@aduan.invalid",
        "+6281239000003",
    ),
    "agency-dinkes": (
        Role.OFFICER,
        "dr. Rina Marlina",
        "dinkes",
        False,
        "dinkes@aduan.invalid",
        "+6281239000004",
    ),
    "agency-dikbud": (
        Role.OFFICER,
        "Syamsul Bahri",
        "dikbud",
        False,
        "dikbud@aduan.invalid",
        "+6281239000005",
    ),
    "agency-dinsos": (
        Role.OFFICER,
        "Hj. Siti Aminah",
        "dinsos",
        False,
        "dinsos@aduan.invalid",
        "+6281239000006",
    ),
    "agency-dlh": (
        Role.OFFICER,
        "Putu Ardana",
        "dlh",
        False,
        "dlh@aduan.invalid",
        "+6281239000007",
    ),
    "agency-disdukcapil": (
        Role.OFFICER,
        "Muhammad Ridwan",
        "disdukcapil",
        False,
        "dukcapil@aduan.invalid",
        "+6281239000008",
    ),
    "supervisor": (
        Role.SUPERVISOR,
        "Dewi Anggraini",
        None,
        False,
        "supervisor@aduan.invalid",
        "+6281239000009",
    ),
    "sysadmin": (
        Role.SYSADMIN,
        "Admin Sistem Kominfo",
        None,
        False,
        "sysadmin@aduan.invalid",
        "+6281239000010",
    ),
    "warga": (
        Role.CITIZEN,
        "Wayan Sudarsana",
        None,
        False,
        "warga@aduan.invalid",
        "+6281339100011",
    ),
    "warga2": (
        Role.CITIZEN,
        "Nurhayati Saleh",
        None,
        False,
        "warga2@aduan.invalid",
        "+6281339100012",
    ),
    "warga3": (
        Role.CITIZEN,
        "Andi Firmansyah",
        None,
        False,
        "warga3@aduan.invalid",
        "+6281339100013",
    ),
    "rt01": (
        Role.CITIZEN,
        "Abdul Hamid (Ketua RT 01 Seketeng)",
        None,
        True,
        "rt01@aduan.invalid",
        "+6281339100014",
    ),
}


# Citizens' profiles as on their (invented) KTP: NIK, sex, birth date, occupation, desa.
PROFILES = {
    "warga": ("5204081204850001", "L", dt.date(1985, 4, 12), "Petani", "52.04.08.1004"),
    "warga2": ("5204086107920003", "P", dt.date(1992, 7, 21), "Guru", "52.04.08.1005"),
    "warga3": ("5204090511880004", "L", dt.date(1988, 11, 5), "Nelayan", "52.04.09.2001"),
    "rt01": ("5204081501700005", "L", dt.date(1970, 1, 15), "Wiraswasta", "52.04.08.1004"),
}


def create_accounts() -> dict:
    users = {}
    for username, (role, name, agency, representative, email, phone) in ACCOUNTS.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "full_name": name,
                "email": email,
                "phone": phone,
                "is_representative": representative,
                "agency": Agency.objects.get(code=agency) if agency else None,
                "is_staff": role == Role.SYSADMIN,
                "is_superuser": role == Role.SYSADMIN,
            },
        )
        if created:
            user.set_password(PASSWORD)
            if username in PROFILES:
                nik, sex, birth_date, occupation, village_code = PROFILES[username]
                village = Region.objects.get(code=village_code)
                user.set_nik(nik)
                user.sex, user.birth_date, user.occupation = sex, birth_date, occupation
                user.village, user.district, user.address = (
                    village,
                    village.parent,
                    f"Desa {village.name}",
                )
            user.save()
        if is_staff_account(user) and not has_totp(user):
            give_totp(user, DEMO_TOTP_SECRET)
        users[username] = user
    return users
