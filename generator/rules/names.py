"""Names where ids belong: 合规专员 written for role compliance-officer is told its id.

A Chinese keyboard makes it natural to write what a thing is called (a role's name, a term, a
policy's title) where its id belongs. The schema sees only a text not shaped like an id; once
every id and name of the handbook is known, the text is recognised and the id given.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..model import Glossary, Organisation, Policy, Settings, ref_fields
from ..names import fold
from ..validate import Misfit
from .context import NOUNS, POLICY_PARTS, Context, Named
from .refs import NAMESPACES, WHERE
from .registry import Phase, rule

# The model each kind of document is built as (any other kind is a policy's section kind).
MODELS = {"handbook": Settings, "roles": Organisation, "glossary": Glossary}
# What a reference of each kind may name, beyond its own namespace.
TARGETS = {**NAMESPACES, "serves": ("procedure", "playbook", "kpi"), "clause": ("policy",)}
WANTED = {"recipient": "角色或外部相关方", "serves": "流程、预案或指标", "clause": "政策"}
# Names like a text are looked for in the first this many misfits of a run: each look scans every
# name of its namespaces (10,000 policy titles in a big handbook).
MAX_LOOKS = 100


def namespaces(kind: str) -> tuple[str, ...]:
    """The namespaces a reference of `kind` may name."""
    return TARGETS.get(kind, (kind,))


def wanted(kind: str) -> str:
    """What a reference of `kind` names, in words: 角色, 术语, 流程、预案或指标."""
    return WANTED.get(kind) or NOUNS[kind]


def _split(kind: str, value: str) -> tuple[str, str] | None:
    """A reference's name part and what follows it: a step (/2) or a clause (#3.2)."""
    if kind == "serves":
        base, slash, step = value.rpartition("/")
        if slash and step.strip().isdigit():
            return base.strip(), f"/{step.strip()}"
    if kind == "clause":
        base, hash_, number = value.partition("#")
        return (base.strip(), f"#{number.strip()}") if hash_ else None  # a bare clause number
    return value, ""


def bearers(ctx: Context, kind: str, value: str) -> tuple[list[tuple[str, Named]], str, str]:
    """What a reference of `kind` may name that is called `value`: (namespace, named) pairs,
    with the name part of `value` and what follows it (a step, a clause number)."""
    parts = _split(kind, value)
    if parts is None:
        return [], value, ""
    base, suffix = parts
    found = [(ns, named) for ns in namespaces(kind) for named in ctx.index.named(ns, base)]
    return found, base, suffix


def name_message(found: list[tuple[str, Named]], base: str, suffix: str, link: str = "") -> str:
    """“合规专员”是角色 compliance-officer 的名称,这里要写 id:compliance-officer。

    In a Markdown link (`link` is its kind: role, term, policy) the link to write is given.
    """
    idents = list(dict.fromkeys(named.ident for _, named in found))
    what = "、".join(f"{NOUNS[ns]} {named.ident} 的{named.what}" for ns, named in found)
    if link:
        write = " 或 ".join(f"({link}:{ident}{suffix})" for ident in idents)
        return f"“{base}”是{what},链接要写 id:{write}。"
    write = " 或 ".join(f"{ident}{suffix}" for ident in idents)
    which = "其中一个的 id" if len(idents) > 1 else " id"
    return f"“{base}”是{what},这里要写{which}:{write}。"


def name_for_id(ctx: Context, kind: str, value: str) -> str | None:
    """The message for a name written where an id of `kind` belongs; None when it names nothing."""
    found, base, suffix = bearers(ctx, kind, value)
    return name_message(found, base, suffix) if found else None


@rule(Phase.MISFIT, "name-for-id", "bad-format")
def named_instead(ctx: Context, misfits: list[Misfit]) -> Iterator[Misfit]:
    """A text refused where an id belongs: a name is told its id, anything else what it is not.

    Each misfit explained here replaces its schema diagnostic, so the value is reported once.
    """
    looks = MAX_LOOKS  # names like a text are looked for this many times (each is a scan)
    for misfit in misfits:
        model = MODELS.get(misfit.kind, Policy)
        pattern = tuple("[]" if isinstance(p, int) else p for p in misfit.path)
        kinds = ref_fields(model).get(pattern)
        if not kinds or any(ctx.index.ids.get(ns) is None for ns in namespaces(kinds[0])):
            continue  # not a reference, or the file that defines its ids is unreadable
        kind = kinds[0]
        message = name_for_id(ctx, kind, misfit.value)
        if message is not None:
            ctx.report(misfit.doc, misfit.path, "name-for-id", message)
            yield misfit
            continue
        better = _instead(ctx, kind, misfit, looks > 0)
        looks -= 1
        if better:
            ctx.report(misfit.doc, misfit.path, "bad-format", better)
            yield misfit


def _instead(ctx: Context, kind: str, misfit: Misfit, look: bool = True) -> str:
    """What the handbook knows of a text that is neither an id nor a name: the id it nearly is,
    another thing's name, names like it, or that nothing is called so ("" when nothing to add)."""
    parts = _split(kind, misfit.value)
    if parts is None:
        return ""
    base, suffix = parts
    spaces = namespaces(kind)
    for ns in spaces:
        ident = ctx.index.folded.get(ns, {}).get(fold(base))
        if ident is not None:
            said = misfit.diagnostic.message
            return f"{said}{'' if said.endswith('。') else '。'}是否想写 {ident}{suffix}?"
    noun = wanted(kind)
    head = f"{misfit.label} {'的 # 前面' if kind == 'clause' else ''}要写{noun}的 id,"
    elsewhere = [
        (ns, named)
        for ns in ctx.index.names
        if ns not in spaces
        for named in ctx.index.named(ns, base)
    ]
    if elsewhere:
        ns, named = elsewhere[0]
        within = ""
        place = (ctx.index.ids.get(ns) or {}).get(named.ident)
        if "policy" in spaces and ns in POLICY_PARTS and place is not None:
            policy = place.doc.data.get("id") if isinstance(place.doc.data, dict) else None
            within = f"(它在政策 {policy} 中,这里可以写 {policy})" if policy else ""
        return (
            f"{head}“{base}”却是{NOUNS[ns]} {named.ident} 的{named.what}{within},不是{noun}。"
            f"{WHERE.get(kind, '') if not within else ''}"
        )
    if base.isascii():
        return ""  # a misspelt id rather than a name: the schema's own words say enough
    near = _near(ctx, spaces, base) if look else []
    if near:
        shown = "、".join(f"{NOUNS[ns]} {n.ident}(“{n.name}”)" for ns, n in near)
        return f"{head}手册中没有叫“{base}”的{noun}。名称相近的有:{shown};若指的是它,请写它的 id。"
    return (
        f"{head}id 只用小写英文字母、数字和连字符;手册中也没有叫“{base}”的{noun}。"
        f"{WHERE.get(kind, '')}"
    )


def _near(ctx: Context, spaces: tuple[str, ...], base: str) -> list[tuple[str, Named]]:
    """Up to three names like `base`: holding it, held by it, or close to it."""
    key = fold(base)
    candidates = [
        (ns, folded, named)
        for ns in spaces
        for folded, bearers_ in ctx.index.names.get(ns, {}).items()
        for named in bearers_
    ]
    near = [
        (ns, n)
        for ns, folded, n in candidates
        if len(key) >= 2 and (key in folded or len(folded) >= 2 and folded in key)
    ]
    if not near:
        close = set(difflib.get_close_matches(key, [f for _, f, _ in candidates], n=3, cutoff=0.6))
        near = [(ns, n) for ns, folded, n in candidates if folded in close]
    unique = list(dict.fromkeys((ns, n.ident) for ns, n in near))
    return [next((ns, n) for ns, n in near if (ns, n.ident) == pair) for pair in unique[:3]]
