"""Master data: categories with their questions, agencies, regions."""

from ninja import Schema


class Ref(Schema):
    code: str
    name: str


class QuestionOut(Schema):
    code: str
    label: str
    type: str
    required: bool
    choices: list[dict]


class CategoryOut(Schema):
    code: str
    name: str
    parent: str | None
    supervisory: bool
    questions: list[QuestionOut]


class AgencyOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None
