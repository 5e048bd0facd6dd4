"""Whether a deadline (`due`) fits the cycle of its checklist or report.

A deadline has one meaning everywhere: when, in the cycle of what it belongs to, the thing must be
done. Its parts (a day of the cycle, a clock time, an offset from the event or the cycle's start)
fit some frequencies and not others; which, is said once in cadence.DUE. The words live in
labels.due.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import cadence, records

OFFSETS = ("before", "after")
ANCHORS = ("weekday", "day", "time")

# Why a part does not fit, and what to write instead, by the part's key.
_INSTEAD = {
    "before": "before(事件前多久)只用于按事件(per-event)执行的清单",
    "after": "after(事件或周期开始后多久)只用于按事件、每周、每月或每季度的清单和汇报",
    "weekday": "weekday(星期几)只用于每周的清单和汇报",
    "day": "day(每月几日)只用于每月的清单和汇报",
    "time": "time(几点前)不用于按季度或实时执行的事项",
}


def misfits(due: str | records.Due, frequency: str, subject: str) -> Iterator[tuple[tuple, str]]:
    """Yield (key under `due`, message) for each part of a deadline its frequency cannot use.

    `subject` names the owner in the message: "清单 store-daily 按每天执行".
    """
    if isinstance(due, str):
        due = records.Due(time=due)
    used = [key for key in (*OFFSETS, *ANCHORS) if getattr(due, key) is not None]
    fits = cadence.DUE[frequency]
    if not fits:
        if used:
            yield (
                (used[0],),
                f"{subject},没有截止时间:删掉 {'、'.join(used)};需要说明时只写 note。",
            )
        return
    for key in used:
        if key not in fits:
            yield ((key,), f"{subject}:{_INSTEAD[key]}。这里可以写:{'、'.join(fits)}。")
            return
    offsets = [key for key in OFFSETS if key in used]
    if len(offsets) > 1:
        yield (("after",), "before 和 after 只能写一个:截止时间要么在事件之前,要么在之后。")
    elif offsets and len(used) > 1:
        others = "、".join(key for key in used if key not in OFFSETS)
        yield (
            (offsets[0],),
            f"{offsets[0]} 与 {others} 不能同时写:要么从事件或周期开始起计时,要么写哪天几点前。",
        )
    elif due.weekday and due.day:
        yield (("day",), "weekday 与 day 只能写一个。")
    elif not used:
        yield ((), f"{subject},due 只写了 note:请写截止时间({'、'.join(fits)}),note 只作补充。")
