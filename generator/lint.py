"""Enforceable wording: vague terms in rule text that no number, deadline or role pins down."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Auditors flag exactly these in policy sets; handbook.yaml `vague_terms` replaces the list.
DEFAULT_TERMS: tuple[tuple[str, str], ...] = (
    ("及时", "写明时限,例如“及时回复”→“2 小时内回复”。"),
    ("尽快", "写明时限,例如“尽快处理”→“30 分钟内处理”。"),
    ("适当", "写明标准或数量,例如“适当补偿”→“补偿不超过订单金额的 10%”。"),
    ("原则上", "写明规则本身,以及例外由谁批准,例如“例外须运营总监书面批准”。"),
    ("必要时", "写明触发条件,例如“必要时上报”→“金额超过 1 万元时上报”。"),
    ("定期", "写明频率,例如“定期检查”→“每周一检查”。"),
    ("酌情", "写明判断标准和决定人,例如“酌情处理”→“由客户服务部经理按退款规则处理”。"),
    ("视情况", "写明在什么情况下做什么,例如“视情况升级”→“投诉超过 3 起时升级”。"),
    ("尽量", "写明要达到的标准,例如“尽量当天回复”→“当天 18:00 前回复”。"),
    ("一般情况下", "写明规则和例外,或删去这个限定。"),
    ("相关人员", "写明角色,例如“相关人员”→“项目经理和客服专员”。"),
)
# Keys whose text states a rule; names, titles and labels are not linted.
RULE_KEYS = frozenset(
    {
        "body",
        "summary",
        "what",
        "text",
        "requirement",
        "controls",
        "includes",
        "excludes",
        "contents",
        "agenda",
        "criteria",
        "trigger",
        "action",
        "signals",
        "situation",
        "notes",
        "definition",
        "description",
    }
)
WINDOW = 12  # characters either side of the term that may pin it down
# Longer words that merely contain a vague term: 规定期限 is a deadline, not 定期.
NOT_VAGUE = ("规定期", "约定期", "固定期", "定期限", "一般违规", "一般纳税人")
_PINNED = re.compile(
    r"[0-90-9]|[一二两三四五六七八九十百千万]+\s*(?:个|次|条|篇|小时|分钟|天|日|周|月|年|工作日|%|倍)"
    r"|小时|分钟|工作日|当天|当日|次日|每天|每日|每周|每月|每季度|[年月日周]内|之前|以内"
)


@dataclass(frozen=True)
class Vague:
    """A vague term found in rule text, at a character offset of one field."""

    path: tuple[str | int, ...]
    offset: int
    term: str
    suggest: str


def find(
    data: Any, terms: Iterable[tuple[str, str]], role_names: Iterable[str], path: tuple = ()
) -> Iterator[Vague]:
    """Yield every vague term in the rule text of a policy's data with nothing to pin it down."""
    terms = terms if isinstance(terms, tuple) else tuple(terms)
    names = role_names if isinstance(role_names, tuple) else tuple(n for n in role_names if n)
    if isinstance(data, dict):
        for key, value in data.items():
            if key in RULE_KEYS:
                yield from _in_value(value, (*path, key), terms, names)
            elif isinstance(value, dict | list):
                yield from find(value, terms, names, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from find(value, terms, names, (*path, i))


def _in_value(value: Any, path: tuple, terms: tuple, names: tuple) -> Iterator[Vague]:
    if isinstance(value, str):
        yield from _in_text(value, path, terms, names)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _in_value(item, (*path, i), terms, names)
    elif isinstance(value, dict):
        yield from find(value, terms, names, path)


def _in_text(text: str, path: tuple, terms: tuple, names: tuple) -> Iterator[Vague]:
    pattern, suggestions = _compiled(terms)
    for match in pattern.finditer(text):  # one pass; the alternation tries longer terms first
        if _inside_word(text, match.start(), match.end()):
            continue
        around = (
            text[max(0, match.start() - WINDOW) : match.start()]
            + " "
            + text[match.end() : match.end() + WINDOW]
        )
        if _PINNED.search(around) or any(name in around for name in names):
            continue
        yield Vague(path, match.start(), match.group(), suggestions[match.group()])


@lru_cache(maxsize=8)
def _compiled(terms: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    ordered = sorted(terms, key=lambda t: -len(t[0]))  # 一般情况下 before 一般
    return re.compile("|".join(re.escape(t) for t, _ in ordered)), dict(ordered)


def _inside_word(text: str, start: int, end: int) -> bool:
    for word in NOT_VAGUE:
        for found in re.finditer(
            re.escape(word), text[max(0, start - len(word)) : end + len(word)]
        ):
            at = max(0, start - len(word)) + found.start()
            if at < end and at + len(word) > start:
                return True
    return False
