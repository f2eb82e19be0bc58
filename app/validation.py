"""Validation errors for people: marshmallow's messages in Chinese, each naming its field in words.

marshmallow (pinned in requirements.txt) answers in English from a fixed set of templates
("Shorter than minimum length 2."). They are translated here, where the error is rendered,
because only here are the field's type (a list counts items, text counts characters) and its
place in the body known: `questions.0.text` reads "问题第1项的内容：必填". A message not in the
table (a new marshmallow version) still reaches people in Chinese: "<字段>：填写有误".
"""
import re

import marshmallow as ma

LABELS = {
    "_schema": "提交的内容", "Event": "事件类型", "MsgType": "消息类型", "agenda": "议程", "allow_change": "允许改票",
    "action": "操作", "actor_id": "操作人", "answer": "回答", "answers": "答案", "as_head": "户主身份", "ballot_code": "选票编码", "authorization_text": "委托书内容",
    "building_id": "楼栋", "capacity": "人数上限", "category": "类别", "choices": "选项",
    "closes_at": "截止时间", "code": "代码", "codes": "入户码", "comment": "留言", "community_id": "社区",
    "confirm": "确认文字", "cursor": "翻页位置", "decisions": "决定", "default_class": "建议分类",
    "department_id": "部门", "description": "描述", "developer_held": "开发商持有", "disabled": "停用",
    "district": "区县", "due_date": "办结期限", "echostr": "回显字符串", "elderly_alone": "独居老人",
    "elder_mode": "长辈模式", "evidence": "同意方式",
    "electorate": "表决方式", "ends_at": "结束时间", "file": "文件", "floor_area": "建筑面积",
    "from": "开始日期", "grid_id": "网格", "handler_name": "承办人姓名", "handler_type": "承办方", "head_name": "户主姓名",
    "head_phone": "户主电话", "household_id": "住户", "id": "编号", "into_id": "合并到的诉求", "is_head": "户主",
    "kind": "类型", "latitude": "纬度", "limit": "每页条数", "longitude": "经度", "low_income": "低收入户",
    "matter_action": "诉求处理", "matter_class": "分类", "matter_id": "诉求", "matter_ids": "诉求",
    "max_choices": "最多可选项数", "minutes": "会议纪要", "name": "名称", "nonce": "随机串", "note": "说明",
    "objection_days": "异议期天数", "overdue": "逾期", "on_behalf_of_household_id": "代办的住户", "opens_at": "开始时间",
    "options": "选项", "owner_ref": "产权人", "people": "人数", "phone": "电话", "photo_id": "照片",
    "photo_ids": "照片", "place": "地点", "place_text": "位置说明", "poll_id": "表决", "poll_ids": "表决",
    "proxy_name": "代投人姓名", "q": "查找内容", "question_id": "问题", "questions": "问题", "quorum_percent": "参与率门槛",
    "rights": "代办权限", "consent_photo_id": "户主书面同意的照片",
    "reason": "理由", "reply": "回复", "result": "结果", "results": "结果", "role": "角色", "room": "房号",
    "rule": "通过规则", "satisfaction": "满意度", "scene": "签到码", "scope_id": "范围", "scope_ids": "范围",
    "scope_kind": "范围类型", "secret": "无记名", "show_tally": "显示实时票数", "sig": "签名",
    "signature": "签名", "stage": "阶段", "starts_at": "开始时间", "status": "状态", "subdistrict": "街道",
    "target_id": "对象编号", "target_type": "对象类型", "team_id": "小组", "text": "内容", "timestamp": "时间戳", "title": "标题", "to": "结束日期",
    "trace_id": "追踪号", "unit": "单元", "unsatisfied": "不满意", "unread": "未读", "up_to_id": "截至的消息", "user_id": "用户",
    "via": "方式", "voice_note_id": "语音", "voted": "是否已投", "votes": "表决票", "wechat": "微信提醒",
    # community money: budgets
    "accepted": "验收结论", "active": "启用", "agenda_rule_id": "不议规则", "budget_fen": "预算金额", "completes": "完工",
    "cost_fen": "核定造价", "courtyard_id": "院落", "decision": "审议结论", "estimate_fen": "估算金额", "fund_id": "基金",
    "location": "地点", "percent": "进度", "project_ids": "项目", "proposals_until": "征集截止时间", "rating": "评分",
    "voting_until": "投票截止时间",
    # community money: funds
    "agrees": "核实结论", "amount_fen": "金额", "counterparty": "付款方/收款方", "month": "月份", "occurred_on": "日期",
    "over_cost_reason": "超支原因", "paid_by": "缴款方式", "project_id": "项目", "receipt_no": "票据号",
    "suggested_fen": "每户建议金额",
}

_VALUE = r"(.+?)"
_BOUNDS = [("greater than or equal to ", "不小于"), ("greater than ", "大于"),
           ("less than or equal to ", "不大于"), ("less than ", "小于")]


def _bounds(text, **_unit):
    """marshmallow's Range: "greater than 0 and less than or equal to 100" → 须大于 0、不大于 100."""
    said = []
    for bound in text.split(" and "):
        english, chinese = next((e, c) for e, c in _BOUNDS if bound.startswith(e))
        said.append((chinese, bound[len(english):]))
    if [word for word, _value in said] == ["不小于", "不大于"]:
        return f"须在 {said[0][1]} 到 {said[1][1]} 之间"
    return "须" + "、".join(f"{word} {value}" for word, value in said)


# marshmallow's English template → Chinese; {unit} is 个字 for text and 项 for a list.
TEMPLATES = [
    (r"Missing data for required field\.", "必填"),
    (r"Field may not be null\.", "不能为空"),
    (r"Unknown field\.", "不是可以提交的内容"),
    (r"Invalid (value|input|type|input type)\.", "格式有误"),
    (r"Not a valid (string|utf-8 string)\.", "须为文字"),
    (r"Not a valid integer\.", "须为整数"),
    (r"Not a valid number\.|Special numeric values .*", "须为数字"),
    (r"Number too large\.", "数字太大"),
    (r"Not a valid boolean\.", "须为是或否"),
    (r"Not a valid list\.", "须为列表"),
    (r"Not a valid (mapping type|tuple)\.", "格式有误"),
    (r"Not a valid date\.|\".*\" cannot be formatted as a date\.", "不是有效的日期（年-月-日）"),
    (r"Not a valid (aware |naive )?datetime\.|\".*\" cannot be formatted as a datetime\.",
     "不是有效的时间（须带时区，如 2026-12-01T09:00:00+08:00）"),
    (r"Must be one of: .*", "不在可选范围内"),
    (r"String does not match expected pattern\.", "格式不对"),
    (rf"Shorter than minimum length {_VALUE}\.", "至少 {0} {unit}"),
    (rf"Longer than maximum length {_VALUE}\.", "最多 {0} {unit}"),
    (rf"Length must be between {_VALUE} and {_VALUE}\.", "须为 {0} 到 {1} {unit}"),
    (rf"Length must be {_VALUE}\.", "须为 {0} {unit}"),
    (r"Must be ((?:greater|less) than .+)\.", _bounds),
]
_COMPILED = [(re.compile(pattern + r"$"), text) for pattern, text in TEMPLATES]
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def label(name):
    return LABELS.get(name, f"“{name}”")


def _inner(field, key):
    """The field found under `key` inside `field` (a schema, Nested, List or Dict), or None."""
    if isinstance(field, ma.Schema):
        return field.fields.get(key) or next((f for f in field.fields.values() if f.data_key == key), None)
    if isinstance(field, ma.fields.Nested):
        return _inner(field.schema, key)
    if isinstance(field, ma.fields.List) and isinstance(key, int):
        return field.inner
    if isinstance(field, ma.fields.Dict):  # {"5": {"value": [...]}}: the entry, then its key or value
        return {"key": field.key_field, "value": field.value_field}.get(key, field)
    return None


def chinese(message, field=None):
    """One of marshmallow's messages in Chinese (without the field's name)."""
    unit = "项" if isinstance(field, (ma.fields.List, ma.fields.Dict)) else "个字"
    for pattern, text in _COMPILED:
        found = pattern.match(message)
        if found:
            return text(*found.groups(), unit=unit) if callable(text) else text.format(*found.groups(), unit=unit)
    return "填写有误" if _LATIN_WORD.search(message) else message


def _where(path):
    """`questions.0.text` → 问题第1项的内容."""
    words = ""
    for key in path:
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            words += f"第{int(key) + 1}项" if isinstance(key, int) else f"（{key}）"
        elif key not in ("key", "value", "_schema"):
            words += ("的" if words else "") + label(key)
    return words


def field_errors(messages, schema=None):
    """marshmallow's nested messages → the same nesting with each message in Chinese and
    prefixed by where it is ("标题：至少 2 个字"), and a summary for the envelope's message:
    the first of them, and how many more there are."""
    flat = []

    def walk(node, field, path):
        if isinstance(node, dict):  # keys as JSON has them: a list's item numbers beside its own `_schema`
            return {str(key): walk(value, _inner(field, key) if field is not None else None, [*path, key])
                    for key, value in node.items()}
        if isinstance(node, list) and all(isinstance(item, str) for item in node):
            where = _where(path) or "提交的内容"
            texts = [f"{where}：{chinese(item, field)}" for item in node]
            flat.extend(texts)
            return texts
        return walk(dict(enumerate(node)), field, path) if isinstance(node, list) else node

    fields = walk(messages, schema, [])
    if not flat:
        return fields, None
    return fields, flat[0] if len(flat) == 1 else f"{flat[0]}（另有 {len(flat) - 1} 处需要修改）"
