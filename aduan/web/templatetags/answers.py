"""`{% for question, answer in report|answer_rows %}`: a report's extra answers as people read
them (aduan.directory.question_fields.answer_rows)."""

from django import template

from aduan.directory.question_fields import answer_rows as _answer_rows

register = template.Library()


@register.filter
def answer_rows(report) -> list[tuple[str, str]]:
    return _answer_rows(report)
