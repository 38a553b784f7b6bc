"""Answers to a category's extra questions, checked against the questions (API and Open311)."""

import datetime as dt

from django.utils.translation import gettext as _


def clean_answers(category, answers: dict) -> tuple[dict, dict[str, str]]:
    """(cleaned answers, {question code: what is wrong}). Unknown codes are refused as well."""
    questions = {q.code: q for q in category.questions.all()} if category else {}
    cleaned, problems = {}, {}
    for code in answers:
        if code not in questions:
            problems[str(code)[:40]] = _("Pertanyaan tidak dikenal untuk kategori ini.")
    for code, question in questions.items():
        value = answers.get(code)
        if value in (None, "", []):
            if question.required:
                problems[code] = _("Wajib diisi.")
            continue
        keys = {c.get("key") for c in question.choices or []}
        try:
            if question.type == "number":
                number = float(value)
                if number != number or number in (float("inf"), float("-inf")):
                    raise ValueError
                cleaned[code] = number
            elif question.type == "date":
                cleaned[code] = dt.date.fromisoformat(str(value)).isoformat()
            elif question.type == "single":
                if value not in keys:
                    raise ValueError
                cleaned[code] = value
            elif question.type == "multi":
                values = value if isinstance(value, list) else [value]
                if not values or any(v not in keys for v in values):
                    raise ValueError
                cleaned[code] = values
            else:
                if not isinstance(value, (str, int, float)):
                    raise ValueError
                cleaned[code] = str(value)[:2000]
        except (TypeError, ValueError):
            problems[code] = _("Jawaban tidak valid untuk pertanyaan ini.")
    return cleaned, problems
