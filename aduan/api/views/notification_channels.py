"""The caller's choice of channels for news about their reports (`outbox.channels_for`)."""

from ninja import Router, Schema

from aduan.notifications import outbox

from ..auth import ANY
from .accounts import ERRORS

router = Router(tags=["Akun"])


class ChannelsIn(Schema):
    channels: list[str]


class ChannelsOut(Schema):
    channels: list[str]
    available: list[str]


def _out(user) -> dict:
    return {"channels": list(outbox.channels_for(user)), "available": outbox.choosable_channels()}


@router.get(
    "/me/notification-channels",
    response={200: ChannelsOut, **ERRORS},
    auth=ANY,
    summary="Saluran notifikasi saya",
)
def get_channels(request):
    return _out(request.auth)


@router.put(
    "/me/notification-channels",
    response={200: ChannelsOut, **ERRORS},
    auth=ANY,
    summary="Pilih saluran notifikasi (in_app, email, sms, whatsapp, push)",
)
def put_channels(request, data: ChannelsIn):
    outbox.set_channels(request.auth, data.channels[:10])
    return _out(request.auth)
