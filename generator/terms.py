"""Glossary in use: the words that name each term, and which policies use them."""

from __future__ import annotations

from collections.abc import Iterable

from . import prose
from .model import Glossary, Policy


def words(glossary: Glossary) -> list[tuple[str, str, str]]:
    """(word, term id, definition) for every term and alias, longest first."""
    found = [
        (w, t.id, t.definition) for t in glossary.terms for w in (t.term, *t.aliases) if w.strip()
    ]
    return sorted(found, key=lambda x: (-len(x[0]), x[0]))


def synonyms(glossary: Glossary) -> dict[str, list[str]]:
    """Each name of a term (its term and aliases) mapped to the term's other names: a search for
    one also looks for the others."""
    out: dict[str, list[str]] = {}
    for term in glossary.terms:
        names = [w for w in dict.fromkeys((term.term, *term.aliases)) if w.strip()]
        for name in names:
            others = [w for w in names if w != name]
            if others:
                out.setdefault(name, [])
                out[name] += [w for w in others if w not in out[name]]
    return out


def usage(policies: Iterable[Policy], glossary: Glossary) -> dict[str, list[Policy]]:
    """Map each term id to the policies whose text uses it (or that list or link it)."""
    found: dict[str, list[Policy]] = {}
    pairs = words(glossary)
    for policy in policies:
        blob = _text_of(policy)
        for ident in sorted({i for w, i, _ in pairs if w in blob} | set(policy.terms)):
            found.setdefault(ident, []).append(policy)
        for link in (x for text in policy.prose() for x in prose.render(text).links):
            if link.kind == "term" and policy not in found.setdefault(link.target, []):
                found[link.target].append(policy)
    return found


def _text_of(obj: object) -> str:
    if isinstance(obj, str):
        return obj
    if isinstance(obj, tuple | list):
        return " ".join(_text_of(x) for x in obj)
    fields = getattr(obj, "__dataclass_fields__", None)
    if fields:
        return " ".join(
            _text_of(getattr(obj, name))
            for name, f in fields.items()
            if not f.metadata.get("derived")
        )
    return ""
