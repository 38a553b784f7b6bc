"""Sub-units of agency A (PUPR) and their officers, for the tests of issue 16."""

from aduan.accounts.models import Role, User
from aduan.directory.models import SubUnit
from tests.conftest import _user


def sub_unit_of_a(cast, name="UPT Jalan Kecamatan Sumbawa", kind=SubUnit.Kind.UPT) -> SubUnit:
    unit, _created = SubUnit.objects.get_or_create(
        agency=cast.agency_a, name=name, defaults={"kind": kind}
    )
    return unit


def officer_of(unit: SubUnit, username="petugas-upt-jalan") -> User:
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    return _user(username, Role.OFFICER, unit.agency.code, sub_unit=unit)
