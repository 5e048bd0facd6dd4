"""Chinese labels for codes in the YAML (frequencies, statuses, durations, quotas)."""

from __future__ import annotations

import re

from . import cadence
from .records import TO_BE_SET, Due, Quota

FREQUENCY = cadence.LABELS
STATUS = {"active": "生效中", "draft": "草稿", "retired": "已废止"}
AUDIENCE = {"staff": "员工", "client": "客户", "public": "公众"}
REVIEW_CYCLE = cadence.REVIEW_LABELS
DIRECTION = {"higher": "越高越好", "lower": "越低越好"}
INCIDENT = {
    "negative-publicity": "负面舆情",
    "account-ban": "账号封禁/处罚",
    "data-leak": "数据泄露",
    "counterfeit-complaint": "假货投诉",
    "platform-penalty": "平台违规处罚",
    "service-outage": "系统故障",
    "other": "其他",
}
PARTY_KIND = {
    "platform": "平台",
    "partner": "合作方",
    "supplier": "供应商",
    "authority": "监管部门",
    "client": "客户方",
    "other": "其他",
}
OBLIGATION_KIND = {
    "law": "法律",
    "regulation": "法规规章",
    "platform-rule": "平台规则",
    "contract": "合同约定",
}
_PER = {"person": "每人", "account": "每个账号", "team": "每个团队", "client": "每个客户"}
_WORKING_DAY = "个工作日"
# Each unit of a duration (as the schema's duration pattern spells it) with its label and its
# length in minutes; a working day counts as a day when durations are compared.
_UNIT_KINDS = {
    "秒": (("s", "秒"), 1 / 60),
    "分钟": (("m", "min", "分钟"), 1),
    "小时": (("h", "小时"), 60),
    "天": (("d", "天"), 24 * 60),
    _WORKING_DAY: (("wd", "工作日", "个工作日"), 24 * 60),
    "周": (("w", "周"), 7 * 24 * 60),
}
_UNITS = {
    spelling: label for label, (spellings, _) in _UNIT_KINDS.items() for spelling in spellings
}
_MINUTES = {spelling: n for _, (spellings, n) in _UNIT_KINDS.items() for spelling in spellings}
_DURATION = re.compile(r"^([0-9]+) ?(.+)$")


def working_days(text: object) -> bool:
    """Whether a schema duration counts working days ("3wd", "2个工作日")."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    return bool(match) and _UNITS.get(match.group(2)) == _WORKING_DAY  # type: ignore[union-attr]


def minutes(text: str) -> float | None:
    """How long a schema duration is, in minutes (None for 待定 or what is not a duration)."""
    match = _DURATION.match(text)
    if not match or match.group(2) not in _MINUTES:
        return None
    return int(match.group(1)) * _MINUTES[match.group(2)]


def duration(text: str) -> str:
    """Spell a schema duration ("30m", "2h", "3wd", "2小时") in Chinese: "30 分钟"."""
    if text == TO_BE_SET:
        return text
    match = _DURATION.match(text)
    if not match or match.group(2) not in _UNITS:
        return text
    return f"{match.group(1)} {_UNITS[match.group(2)]}"


WEEKDAYS = "一二三四五六日"  # weekday 1..7, ISO order


def due(value: str | Due, frequency: str | None = None, event: str | None = None) -> str:
    """A deadline in words, in the cycle of its list or report: "10:00 前", "每周一 12:00 前",
    "每月 25 日前", "每月前 5 个工作日内", "开播前 1 小时", "发现负面评论后 30 分钟内"."""
    if isinstance(value, str):
        value = Due(time=value)
    what = event or "事件"
    if value.before:
        text = f"{what}前 {duration(value.before)}"
    elif value.after and frequency not in (None, "per-event"):
        text = f"{FREQUENCY[frequency]}前 {duration(value.after)}内"
    elif value.after:
        text = f"{what}后 {duration(value.after)}内"
    else:
        day = ""
        if value.weekday:
            day = f"每周{WEEKDAYS[value.weekday - 1]}"
        elif value.day:
            day = f"每月 {value.day} 日"
        clock = f" {value.time}" if day and value.time else value.time or ""
        text = f"{day}{clock}{' 前' if clock else '前' if day else ''}"
    if value.note:
        return f"{text}({value.note})" if text else value.note
    return text


def quota(q: Quota) -> str:
    """Spell a quota as the seeds do: 每人每月 30 条."""
    return f"{_PER[q.per]}{cadence.PERIODS[q.period]} {q.count} {q.unit}"


def amount(value: float | str, unit: str) -> str:
    """A value with its unit ("95%"); one still to be set has no unit ("待定")."""
    return TO_BE_SET if value == TO_BE_SET else f"{number(value)}{unit}"


def number(value: float | str) -> str:
    """Show a threshold without a useless ".0"."""
    if value == TO_BE_SET:
        return value
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
