"""A refused input is explained in Chinese, naming the field in words (app/validation.py): what
a resident reads on the phone when a form goes wrong. tests/test_fuzz.py checks every 4xx the
fuzzer provokes the same way."""
import re

import marshmallow as ma
import pytest

from app.validation import LABELS, TEMPLATES, chinese, field_errors
from tests.conftest import login

API = "/api/v1"


class QuestionSchema(ma.Schema):
    text = ma.fields.String(required=True, validate=ma.validate.Length(min=2, max=200))


class PollSchema(ma.Schema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=2, max=60))
    questions = ma.fields.List(ma.fields.Nested(QuestionSchema), validate=ma.validate.Length(min=1, max=20))
    quorum_percent = ma.fields.Integer(validate=ma.validate.Range(min=0, max=100))
    floor_area = ma.fields.Decimal(validate=ma.validate.Range(min=0, min_inclusive=False))
    kind = ma.fields.String(validate=ma.validate.OneOf(["yes_no", "choice"]))
    answers = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())


def refusal(body):
    try:
        PollSchema().load(body)
    except ma.ValidationError as error:
        return field_errors(error.messages, PollSchema())
    raise AssertionError("accepted")


@pytest.mark.parametrize("body, field, said", [
    ({}, "title", "标题：必填"),
    ({"title": "a"}, "title", "标题：须为 2 到 60 个字"),
    ({"title": 7}, "title", "标题：须为文字"),
    ({"title": None}, "title", "标题：不能为空"),
    ({"title": "围墙", "questions": []}, "questions", "问题：须为 1 到 20 项"),
    ({"title": "围墙", "questions": "x"}, "questions", "问题：须为列表"),
    ({"title": "围墙", "quorum_percent": 101}, "quorum_percent", "参与率门槛：须在 0 到 100 之间"),
    ({"title": "围墙", "quorum_percent": "多"}, "quorum_percent", "参与率门槛：须为整数"),
    ({"title": "围墙", "floor_area": 0}, "floor_area", "建筑面积：须大于 0"),
    ({"title": "围墙", "kind": "maybe"}, "kind", "类型：不在可选范围内"),
    ({"title": "围墙", "spam": 1}, "spam", "“spam”：不是可以提交的内容"),
])
def test_each_field_is_named_in_words_and_the_problem_said_in_chinese(body, field, said):
    fields, summary = refusal(body)
    assert fields[field] == [said]
    assert summary == said


def test_a_nested_field_says_which_item_and_the_summary_counts_the_rest():
    fields, summary = refusal({"title": "a", "questions": [{"text": "是否同意"}, {"text": ""}],
                               "answers": {"5": "甲"}})
    assert fields["questions"] == {"1": {"text": ["问题第2项的内容：须为 2 到 200 个字"]}}
    assert fields["answers"] == {"5": {"value": ["答案（5）：须为整数"]}}
    assert summary == "标题：须为 2 到 60 个字（另有 2 处需要修改）"


def test_a_list_refused_as_a_whole_and_in_an_item_says_both(client, places):
    """marshmallow keys an item's messages by its number and the list's own by `_schema`: the
    envelope holds both (a fuzzer's duplicate unknown right once sorted them into a 500)."""
    response = client.post(f"{API}/households/{places['h1']}/helper-codes",
                           json={"rights": ["pay_bills", "reply_meetings", "reply_meetings"]},
                           headers=login(client, "resident"))
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["error"]["details"]["fields"] == {
        "rights": {"0": ["代办权限第1项：不在可选范围内"], "_schema": ["代办权限：不能重复"]}}


ENGLISH = ["Missing data for required field.", "Field may not be null.", "Unknown field.", "Invalid value.",
           "Not a valid string.", "Not a valid integer.", "Not a valid number.", "Number too large.",
           "Not a valid boolean.", "Not a valid list.", "Not a valid mapping type.", "Not a valid date.",
           "Not a valid aware datetime.", "Must be one of: a, b.", "String does not match expected pattern.",
           "Shorter than minimum length 2.", "Longer than maximum length 9.", "Length must be between 1 and 3.",
           "Length must be 4.", "Must be greater than or equal to 2000-01-01."]


def test_every_template_of_marshmallow_reads_as_chinese_and_an_unknown_one_too():
    for pattern, _text in TEMPLATES:  # each template is tried, so none can rot unnoticed
        assert any(re.fullmatch(pattern, message) for message in ENGLISH), pattern
    for message in ENGLISH:
        assert not re.search("[A-Za-z]{2,}", chinese(message)), message
    assert chinese("Something new in version 5.") == "填写有误"


def test_every_input_field_of_every_operation_has_a_name_in_words(app):
    """A field added without a Chinese name would reach people as its code name."""
    document = app.test_client().get("/api/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    names = set()

    def walk(schema):
        schema = schemas[schema["$ref"].split("/")[-1]] if "$ref" in schema else schema
        for name, field in schema.get("properties", {}).items():
            if not field.get("readOnly"):
                names.add(name)
                walk(field)
                walk(field.get("items", {}))

    for operations in document["paths"].values():
        for operation in (op for key, op in operations.items() if key != "parameters"):
            names.update(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")
            for content in operation.get("requestBody", {}).get("content", {}).values():
                walk(content["schema"])
    assert names and names - set(LABELS) == set()


def test_a_resident_sees_what_to_fix_in_the_envelope(client, places):
    response = client.post(f"{API}/matters", json={"title": "灯", "category": "street_lamp",
                                                   "photo_ids": list(range(1, 12))},
                           headers=login(client, "resident"))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]["fields"] == {"title": ["标题：须为 2 到 60 个字"], "photo_ids": ["照片：最多 9 项"]}
    assert error["message"] in ("标题：须为 2 到 60 个字（另有 1 处需要修改）", "照片：最多 9 项（另有 1 处需要修改）")
