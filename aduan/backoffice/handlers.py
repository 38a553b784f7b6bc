"""From a posted action form to one call of `aduan.reports.actions`. Each handler reads its
fields and lets the action check them; every refusal comes back as an `errors.ActionError`."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from aduan.directory.models import Agency, Category
from aduan.reports import actions, errors
from aduan.reports.transitions import Action

from .access import workspace_reports
from .models import ResponseTemplate, TemplateKind, templates_for
from .uploads import clean_uploads

User = get_user_model()

# What the back office offers; the reporter's own actions belong to the portal.
STAFF_ACTIONS = (
    Action.DISPOSITION,
    Action.REDISPOSITION,
    Action.RETURN,
    Action.ARCHIVE,
    Action.MERGE,
    Action.RECLASSIFY,
    Action.DISPATCHER_NOTE,
    Action.CLOSE,
    Action.ACCEPT,
    Action.DECLINE,
    Action.ASSIGN,
    Action.NOTE,
    Action.REQUEST_INFO,
    Action.ANSWER,
)


def _pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _agency(post):
    return Agency.objects.filter(pk=_pk(post.get("agency")), is_active=True).first()


def _return_text(post, user):
    ids = [_pk(v) for v in post.getlist("missing")]
    bodies = list(
        ResponseTemplate.objects.filter(pk__in=[i for i in ids if i], is_active=True)
        .order_by("order", "title")
        .values_list("body", flat=True)
    )
    parts = [f"- {b}" for b in bodies]
    if post.get("text", "").strip():
        parts.append(post["text"].strip())
    return "\n".join(parts)


def _merge(report, user, post, files, version):
    code = (post.get("into") or "").strip().upper()
    into = workspace_reports(user).filter(code=code).first()
    if into is None:
        raise errors.InvalidInput(
            _("Laporan tujuan %(code)s tidak ditemukan.") % {"code": code or "-"}, field="into"
        )
    return actions.do_merge(
        report, into, actor=user, text=post.get("text", ""), expected_version=version
    )


def _reclassify(report, user, post, files, version):
    changes = {
        "classification": post.get("classification", report.classification),
        "category": Category.objects.filter(pk=_pk(post.get("category"))).first(),
        "anonymous": post.get("anonymous") == "on",
        "confidential": post.get("confidential") == "on",
    }
    supervisory = post.get("supervisory") == "on"
    if supervisory != report.supervisory:  # untouched: a new category brings its own default
        changes["supervisory"] = supervisory
    return actions.do_reclassify(report, actor=user, expected_version=version, **changes)


def _assign(report, user, post, files, version):
    officer = User.objects.filter(pk=_pk(post.get("officer"))).first()
    return actions.do_assign(report, officer, actor=user, expected_version=version)


HANDLERS = {
    Action.DISPOSITION: lambda r, u, p, f, v: actions.do_disposition(
        r, _agency(p), actor=u, instruction=p.get("instruction", ""), expected_version=v
    ),
    Action.REDISPOSITION: lambda r, u, p, f, v: actions.do_redisposition(
        r, _agency(p), actor=u, instruction=p.get("instruction", ""), expected_version=v
    ),
    Action.RETURN: lambda r, u, p, f, v: actions.do_return(
        r, actor=u, text=_return_text(p, u), expected_version=v
    ),
    Action.ARCHIVE: lambda r, u, p, f, v: actions.do_archive(
        r,
        actor=u,
        reason=p.get("reason", ""),
        text=p.get("text", ""),
        external_body=p.get("external_body", ""),
        expected_version=v,
    ),
    Action.MERGE: _merge,
    Action.RECLASSIFY: _reclassify,
    Action.DISPATCHER_NOTE: lambda r, u, p, f, v: actions.do_dispatcher_note(
        r, actor=u, text=p.get("text", ""), expected_version=v
    ),
    Action.CLOSE: lambda r, u, p, f, v: actions.do_close(
        r, actor=u, reason=p.get("reason", ""), expected_version=v
    ),
    Action.ACCEPT: lambda r, u, p, f, v: actions.do_accept(r, actor=u, expected_version=v),
    Action.DECLINE: lambda r, u, p, f, v: actions.do_decline(
        r, actor=u, reason=p.get("reason", ""), expected_version=v
    ),
    Action.ASSIGN: _assign,
    Action.NOTE: lambda r, u, p, f, v: actions.do_add_note(
        r,
        actor=u,
        text=p.get("text", ""),
        public=p.get("public") == "on",
        attachments=clean_uploads(f.getlist("attachments")),
        expected_version=v,
    ),
    Action.REQUEST_INFO: lambda r, u, p, f, v: actions.do_request_info(
        r, actor=u, text=p.get("text", ""), expected_version=v
    ),
    Action.ANSWER: lambda r, u, p, f, v: actions.do_answer(
        r,
        actor=u,
        text=p.get("text", ""),
        attachments=clean_uploads(f.getlist("attachments")),
        expected_version=v,
    ),
}


def _with_template(action: Action, post, user):
    """A chosen template's text goes first; what the user typed follows it."""
    template_id = _pk(post.get("template"))
    if not template_id:
        return post
    template = next(
        (
            t
            for kind in TemplateKind.values
            for t in templates_for(kind, user)
            if t.pk == template_id
        ),
        None,
    )
    if template is None:
        return post
    field = "instruction" if action in (Action.DISPOSITION, Action.REDISPOSITION) else "text"
    post = post.copy()
    typed = post.get(field, "").strip()
    post[field] = f"{template.body}\n\n{typed}" if typed else template.body
    return post


def run(action: Action, report, user, post, files):
    version = post.get("version")
    if version is None or not str(version).isdigit():
        raise errors.InvalidInput(_("Formulir tidak lengkap; muat ulang halaman."), field="version")
    return HANDLERS[action](report, user, _with_template(action, post, user), files, int(version))
