"""The guided filing over SMS and WhatsApp (`engine` step 4, and `LAPOR`): the completeness
checklist (what / where / when / who) decides what is asked, then the anonymous and confidential
choice in plain words, a summary to confirm, and the tracking code. `LAPOR <isi>` files at once."""

from django.conf import settings
from django.utils.translation import gettext as _

from aduan.directory.models import Region
from aduan.reports import actions, errors, rules
from aduan.reports.models import Report
from aduan.triage import completeness

from . import places
from .exchange import Incoming, Reply, keep_files, reset, take_files
from .identity import Sender
from .models import Conversation

TITLE_LENGTH = 80
YES = {"YA", "Y", "YES", "IYA", "KIRIM", "OK", "OKE"}
SKIP = {"LEWATI", "SKIP", "TIDAK TAHU", "TIDAK", "-"}
QUESTIONS = ("what", "where", "when", "who")


def _title(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1].rstrip() + "…"


def file_at_once(sender: Sender, text: str, message: Incoming) -> Reply:
    """`LAPOR <isi>`: one message files the report (an SMS costs the sender money)."""
    return _file(sender, text, attachments=[f.as_file() for f in message.files])


def _file(sender: Sender, text: str, **fields) -> Reply:
    """File `text` for the sender, by one message or at the end of the guided filing: their
    account when the number has one, else the number itself; the reply says how it went."""
    try:  # do_file_report writes in a transaction of its own
        report, secret = actions.do_file_report(
            channel=sender.channel,
            reporter=sender.user,
            reporter_phone="" if sender.user else sender.phone,
            title=_title(text),
            description=text,  # whole: a text too long is refused in the reply, never cut
            **fields,
        )
    except errors.ActionError as exc:
        return Reply(str(exc.message))
    return _filed(report, secret)


def _filed(report: Report, secret: str) -> Reply:
    if report.awaiting_profile_since is not None:
        # A sender known by an account whose KTP profile is incomplete (issue 13): the report waits
        # for it, as on the portal; a sender without an account never waits.
        return Reply(
            _(
                "Laporan Anda tersimpan dan menunggu profil lengkap. Kode: %(code)s, kode rahasia: "
                "%(secret)s. Lengkapi profil Anda di %(url)s agar laporan diteruskan."
            )
            % {"code": report.code, "secret": secret, "url": _profile_url()},
            report,
            secret=secret,
        )
    return Reply(
        _(
            "Laporan diterima. Kode: %(code)s, kode rahasia: %(secret)s. "
            "Cek status: kirim CEK %(code)s"
        )
        % {"code": report.code, "secret": secret},
        report,
        secret=secret,
    )


def _profile_url() -> str:
    from django.urls import reverse

    return settings.SITE_URL.rstrip("/") + reverse("web:profile")


def start_filing(sender: Sender, conversation: Conversation, message: Incoming) -> list[Reply]:
    reset(conversation)
    conversation.step = "filing"
    conversation.draft = {"text": [], "asked": [], "address": "", "who": ""}
    return filing_step(sender, conversation, message, first=True)


def filing_step(sender, conversation, message: Incoming, *, first=False) -> list[Reply]:
    draft = conversation.draft
    step = conversation.step
    text = (message.text or "").strip()
    upper = text.upper()
    replies: list[Reply] = []
    if step == "filing:confirm":
        if upper in YES:
            return [_file_draft(sender, conversation)]
        return [_summary(conversation, again=True)]
    if step == "filing:privacy":
        choice = {"1": (False, False), "2": (False, True), "3": (True, True)}.get(upper[:1])
        if choice is None:
            return [_privacy_question()]
        draft["anonymous"], draft["confidential"] = choice
        conversation.step = "filing:confirm"
        return [_summary(conversation)]
    asked = step.split(":", 1)[1] if ":" in step else ""
    if text and upper not in SKIP:
        # The filing's rules, told now: a part that would pass a limit is refused in the reply
        # and the draft keeps what came before, whole.
        try:
            if asked == "where":
                address = (draft["address"] + " " + text).strip()
                rules.check_lengths(address=address)
                draft["address"] = address
            elif asked == "who":
                who = (draft["who"] + " " + text).strip()
                rules.check_lengths(parties_involved=who)
                draft["who"] = who
            else:
                rules.check_description("\n".join([*draft["text"], text]))
                draft["text"].append(text)
        except errors.InvalidInput as refused:
            replies.append(Reply(str(refused.message)))
    if message.files:
        kept = keep_files(conversation, message.files)
        replies.append(Reply(_("%(n)s foto/berkas diterima.") % {"n": kept}))
    if message.latitude is not None:
        try:  # the filing's rule, told now rather than when the report is sent
            rules.check_point(message.latitude, message.longitude)
        except errors.InvalidInput as refused:
            replies.append(Reply(str(refused.message)))
        else:
            draft["lat"], draft["lon"] = message.latitude, message.longitude
            district, village = places.locate(message.latitude, message.longitude)
            draft["district"] = district.pk if district else None
            draft["village"] = village.pk if village else None
            address = (draft["address"] + " " + (message.place or "")).strip()
            if len(address) <= rules.ADDRESS_LENGTH:  # else the point says where, the name not
                draft["address"] = address
            where = ", ".join(r.name for r in (village, district) if r)
            replies.append(Reply(_("Lokasi diterima: %(where)s.") % {"where": where}))
    if message.files and not text and message.latitude is None and asked and not first:
        return replies  # more photos may follow; the question stands
    if not text and asked and asked != "where" and not first:
        replies.append(Reply(_prompt(asked)))  # a location or photo did not answer it
        return replies
    replies.append(_next_question(conversation))
    return replies


def _assess(draft) -> completeness.Completeness:
    regions = Region.objects.in_bulk(
        [c for c in (draft.get("district"), draft.get("village")) if c]
    )
    description = "\n".join(draft["text"])
    return completeness.assess(
        title=_title(description),
        description=description,
        parties_involved=draft["who"],
        district=regions.get(draft.get("district")),
        village=regions.get(draft.get("village")),
        address=draft["address"],
    )


def _next_question(conversation: Conversation) -> Reply:
    draft = conversation.draft
    result = _assess(draft)
    for key in QUESTIONS:
        item = result.item(key)
        if key == "what" and not draft["text"]:
            item.answered = False
        if item.missing and key not in draft["asked"]:
            draft["asked"].append(key)
            conversation.step = f"filing:{key}"
            return Reply(_prompt(key))
    if not draft["text"]:
        conversation.step = "filing:what"
        return Reply(_("Apa yang terjadi? Ceritakan dalam beberapa kalimat."))
    conversation.step = "filing:privacy"
    return _privacy_question()


def _prompt(key: str) -> str:
    prompt = {
        "what": _("Apa yang terjadi? Ceritakan dalam beberapa kalimat."),
        "where": _(
            "Di mana tempatnya? Sebutkan desa/kelurahan, jalan atau patokan, "
            "atau kirim lokasi (Lampirkan › Lokasi)."
        ),
        "when": _("Kapan terjadinya? Misalnya: kemarin sore, atau 3 Desember."),
        "who": _("Siapa yang terlibat atau bertanggung jawab, jika Anda tahu?"),
    }[key]
    if key != "what":
        prompt += " " + _("(Balas LEWATI jika tidak tahu.)")
    return prompt


def _privacy_question() -> Reply:
    return Reply(
        _(
            "Siapa yang boleh tahu laporan ini? Balas angkanya:\n"
            "1 = Biasa: petugas tahu nama Anda, laporan tampil di situs tanpa nama Anda\n"
            "2 = Rahasia: laporan tidak ditampilkan di situs\n"
            "3 = Anonim: nama Anda juga disembunyikan dari perangkat daerah"
        ),
        buttons=[("1", _("Biasa")), ("2", _("Rahasia")), ("3", _("Anonim"))],
    )


def _summary(conversation: Conversation, *, again=False) -> Reply:
    draft = conversation.draft
    result = _assess(draft)
    privacy = (
        _("anonim") if draft.get("anonymous") else
        _("rahasia") if draft.get("confidential") else _("biasa")
    )  # fmt: skip
    lines = [
        _("Ringkasan laporan Anda:"),
        "\n".join(draft["text"])[:600],
        _("Lokasi: %(v)s") % {"v": result.item("where").found or "-"},
        _("Waktu: %(v)s") % {"v": result.item("when").found or "-"},
        _("Pihak terlibat: %(v)s") % {"v": draft["who"] or "-"},
        _("Lampiran: %(n)s") % {"n": conversation.files.count()},
        _("Identitas: %(v)s") % {"v": privacy},
        _("Balas YA untuk mengirim, atau BATAL untuk membatalkan."),
    ]
    if again:
        lines.insert(0, _("Laporan belum dikirim."))
    return Reply("\n".join(lines), buttons=[("YA", _("Kirim")), ("BATAL", _("Batal"))])


def _file_draft(sender: Sender, conversation: Conversation) -> Reply:
    draft = conversation.draft
    result = _assess(draft)
    regions = Region.objects.in_bulk(
        [c for c in (draft.get("district"), draft.get("village")) if c]
    )
    description = "\n".join(draft["text"])
    attachments = take_files(conversation)
    reply = _file(
        sender,
        description,
        incident_date=result.incident_date,
        district=regions.get(draft.get("district")),
        village=regions.get(draft.get("village")),
        address=draft["address"],
        latitude=draft.get("lat"),
        longitude=draft.get("lon"),
        parties_involved=draft["who"],
        anonymous=bool(draft.get("anonymous")),
        confidential=bool(draft.get("confidential")),
        attachments=attachments,
    )
    if reply.report is not None:  # filed: the conversation starts afresh
        reset(conversation)
    return reply
