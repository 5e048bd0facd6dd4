"""One meaning of `due` (issue 15, item 6): a deadline in the cycle of its checklist or report.

Checklist items and reports take the same shapes: a clock time ("18:00"), a day of the cycle with
or without a time ({weekday: 1, time: "12:00"}, {day: 25}), or an offset ({before: 1h} before
the event; {after: 5wd} after the event or the cycle's start), each with an optional note. What
fits which frequency is said once (cadence.DUE); a misfit is an error at the part that misfits.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SCHEMAS, TODAY, make_handbook

from generator import cadence, load_handbook
from generator.deadlines import misfits
from generator.labels import due
from generator.records import Due


@pytest.mark.parametrize(
    ("value", "frequency", "event", "words"),
    [
        ("10:00", "daily", None, "10:00 前"),
        (Due(time="10:00"), "per-event", "每场直播开播", "10:00 前"),
        (Due(before="1h"), "per-event", "每场直播开播", "每场直播开播前 1 小时"),
        (Due(after="30m"), "per-event", "发现负面评论", "发现负面评论后 30 分钟内"),
        (Due(after="30m"), "per-event", None, "事件后 30 分钟内"),
        (Due(weekday=1, time="12:00"), "weekly", None, "每周一 12:00 前"),
        (Due(weekday=7), "weekly", None, "每周日前"),
        (Due(day=25), "monthly", None, "每月 25 日前"),
        (Due(day=5, time="18:00"), "monthly", None, "每月 5 日 18:00 前"),
        (Due(after="5wd"), "monthly", None, "每月前 5 个工作日内"),
        (Due(after="10wd"), "quarterly", None, "每季度前 10 个工作日内"),
        (
            Due(after="3wd", note="并在复盘会上讲解"),
            "monthly",
            None,
            "每月前 3 个工作日内(并在复盘会上讲解)",
        ),
        (Due(note="发现即报"), "realtime", None, "发现即报"),
        (Due(after="待定"), "monthly", None, "每月前 待定内"),
    ],
)
def test_a_deadline_reads_in_the_cycle_it_belongs_to(
    value: str | Due, frequency: str, event: str | None, words: str
) -> None:
    assert due(value, frequency, event) == words


def _keys(value: str | Due, frequency: str) -> list[tuple]:
    return [key for key, _ in misfits(value, frequency, "清单 x 按某频率执行")]


def test_every_part_fits_the_frequencies_cadence_names_and_no_other() -> None:
    parts = {
        "time": Due(time="10:00"),
        "weekday": Due(weekday=1),
        "day": Due(day=1),
        "before": Due(before="1h"),
        "after": Due(after="1h"),
    }
    for frequency in cadence.CODES:
        for key, value in parts.items():
            fits = key in cadence.DUE[frequency]
            assert (_keys(value, frequency) == []) == fits, (frequency, key)
            if not fits:
                assert _keys(value, frequency) == [(key,)]


@pytest.mark.parametrize(
    ("value", "frequency", "blamed", "said"),
    [
        (Due(before="1h", after="2h"), "per-event", ("after",), "before 和 after 只能写一个"),
        (Due(after="5wd", time="18:00"), "monthly", ("after",), "after 与 time 不能同时写"),
        (Due(before="1h", time="18:00"), "per-event", ("before",), "before 与 time 不能同时写"),
        (Due(weekday=1, day=3), "weekly", ("day",), "day(每月几日)只用于每月"),
        (Due(note="看情况"), "monthly", (), "只写了 note"),
        (Due(time="18:00"), "realtime", ("time",), "没有截止时间"),
        (Due(after="1h"), "daily", ("after",), "这里可以写:time"),
    ],
)
def test_a_misfit_is_blamed_on_the_part_that_misfits(
    value: Due, frequency: str, blamed: tuple, said: str
) -> None:
    found = list(misfits(value, frequency, "清单 x 按某频率执行"))
    assert [key for key, _ in found] == [blamed]
    assert said in found[0][1]


def _diagnostics(root: Path, item: str | None = None, report: str | None = None) -> list:
    """Load the minimal handbook with its checklist item's `due: "10:00"` line (workflow/flow.yaml
    line 56) and its daily report's `due: "18:00"` line (communication/report.yaml line 22)
    replaced by the lines given."""
    policies = make_handbook(root)
    for name, old, new in (
        ("workflow/flow.yaml", 'due: "10:00"', item),
        ("communication/report.yaml", 'due: "18:00"', report),
    ):
        if new is not None:
            path = policies / name
            path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), "utf-8")
    return load_handbook(policies, SCHEMAS, today=TODAY).diagnostics


def test_checklists_and_reports_are_checked_alike_at_the_position_of_the_misfit(
    tmp_path: Path,
) -> None:
    found = _diagnostics(tmp_path, item="due: {before: 1h}", report="due: {day: 25}")
    errors = sorted((d.file.name, d.line, d.column, d.code) for d in found if d.code != "to-be-set")
    assert errors == [("flow.yaml", 56, 23, "due-misfit"), ("report.yaml", 22, 16, "due-misfit")]
    messages = sorted(d.message for d in found if d.code == "due-misfit")
    assert messages[0].startswith("汇报 daily-report 每天发送:day(每月几日)只用于每月")
    assert messages[1].startswith("清单 operator-daily 按每天执行:before(事件前多久)")


def test_the_old_free_text_and_the_old_within_are_told_what_to_write_instead(
    tmp_path: Path,
) -> None:
    diagnostics = _diagnostics(tmp_path, item="within: 2h", report="due: 每个工作日 18:00 前")
    found = {d.code: d for d in diagnostics}
    assert (found["unknown-key"].line, found["unknown-key"].column) == (56, 9)
    assert "写 due: {after: 2h}" in found["unknown-key"].message
    assert (found["bad-format"].line, found["bad-format"].column) == (22, 10)
    assert "weekday 星期几" in found["bad-format"].message


def test_an_unquoted_clock_time_is_told_to_quote_it_and_a_list_is_told_both_shapes(
    tmp_path: Path,
) -> None:
    found = _diagnostics(tmp_path / "clock", item="due: 10:00")
    assert [d.code for d in found] == ["wrong-type"] and "加引号" in found[0].message
    found = _diagnostics(tmp_path / "list", item="due: [10]")
    assert [d.code for d in found] == ["wrong-type"]
    assert "应该是文字或映射" in found[0].message


def test_a_deadline_still_to_be_set_is_warned_like_any_other_open_value(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    report = policies / "communication/report.yaml"
    text = report.read_text(encoding="utf-8").replace("cadence: daily", "cadence: monthly", 1)
    report.write_text(text.replace('due: "18:00"', "due: {after: 待定}", 1), "utf-8")
    found = load_handbook(policies, SCHEMAS, today=TODAY).diagnostics
    assert [(d.code, d.line) for d in found if d.file.name == "report.yaml"] == [("to-be-set", 22)]
