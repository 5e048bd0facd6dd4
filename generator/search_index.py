"""The site's search index, written page by page during the build and read by the handbook's
search worker (search_worker.js) a few kilobytes at a time.

Material's own search downloads one index and builds it in the reader's browser on every page
load: 2.4 MB and 6.7 s before the first result of a 3,000-page handbook. Here the build does the
work once and the browser fetches only what a query needs:

- `search/t/<n>.json.gz`: the terms, in shards by their first character (Han) or first two
  (other scripts), so that the shards a query needs follow from its characters alone, and so do
  the longer terms starting with a query's word. Each term lists the pages that hold it, with a
  weight (page title, section heading, how often in the text, the page's search boost); a term
  on many pages is a bitset of pages with one weight character per page.
- `search/p/<page>.json.gz`: one page's address, title and sections as plain text, fetched for
  the results shown, to pick the sentence that matched and the sections to list.
- `search/search_index.json`: Material's file, which its page script downloads whole, holds no
  documents: only its settings and ours (`config.handbook`) for the worker.

Pages are split into sections by Material's own parser, the one its search plugin uses, so what
is searchable (and what `data-search-exclude` leaves out) stays what Material would index; that
plugin is then told to skip the page. Chinese is cut into words by jieba, with the dictionary
the plugin has taught the handbook's terms and role names.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import math
import re
import shutil
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from material.plugins.search.plugin import Parser

# The Han characters, as code point ranges: the index and the worker (which receives them in its
# settings) must agree on what a Han term is, since it decides the shard.
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
_HAN = "".join(f"{chr(a)}-{chr(b)}" for a, b in HAN_RANGES)
_WORD = re.compile(rf"[{_HAN}]+|[^\W_{_HAN}]+")
# The only markup left in the text Material's parser collects: its kept tags (the text between
# is escaped, so no text can look like one). Blocks become line breaks, the rest nothing.
_KEPT_TAG = re.compile(r"</?(p|code|pre|li|ol|ul|sub|sup)>")
_BLOCK_TAGS = {"p", "pre", "li", "ol", "ul"}

TITLE, HEADING, MOST_TIMES = 20, 6, 4  # a term's weight on a page: where it stands, how often
BITSET_SHARE = 30  # a term on more than 1/30 of the pages is stored as a bitset
# Weights are written as one printable character each in a bitset's entry: 1 to 90.
WEIGHT_ZERO, MOST_WEIGHT = 36, 90
SHARD_BYTES = 10_000  # what one shard should weigh, compressed
CUTS_KEPT = 100_000  # Han runs whose words are remembered (about 20 MB)
RESULTS = 10  # pages the worker returns (and fetches the text of) for a query
SUBDIRS = ("t", "p")


@dataclass(frozen=True)
class Section:
    anchor: str  # "" for the page's opening
    title: str
    text: str


def is_han(char: str) -> bool:
    point = ord(char)
    return any(a <= point <= b for a, b in HAN_RANGES)


def shard_of(term: str, shards: int) -> int:
    """The shard of a term: a hash of its first character (Han) or first two (others)."""
    key = term[0] if is_han(term[0]) else term[:2]
    value = 0
    for char in key:
        value = (value * 31 + ord(char)) % 2**32
    return value % shards


def sections(content: str) -> list[Section]:
    """Split a page's HTML into its searchable sections, as Material's search plugin does."""
    parser = Parser()
    parser.feed(content)
    parser.close()
    found = []
    for section in parser.data:
        if section.is_excluded():
            continue
        found.append(
            Section(section.id or "", _plain(section.title).strip(), _plain(section.text).strip())
        )
    return found


def _plain(parts: Iterable[str]) -> str:
    out = []
    for part in parts:
        tag = _KEPT_TAG.fullmatch(part)
        if tag:
            out.append("\n" if tag.group(1) in _BLOCK_TAGS else "")
        else:
            out.append(html.unescape(part))
    return re.sub(r"\n\s*\n+", "\n", "".join(out))


class SearchIndex:
    """Collects the pages of one build and writes the index when the build ends."""

    def __init__(self, folder: Path, segment: Callable[[str], list[str]]) -> None:
        """`folder` is the site's search/ folder: each page's text is written as it comes."""
        self.folder = folder
        self.segment = segment  # Han text -> words
        self.postings: dict[str, array] = {}  # term -> page << 8 | weight, pages ascending
        self.pages = 0
        self.cuts: dict[str, list[str]] = {}  # Han run -> its words
        self.digest = hashlib.sha256()
        for sub in SUBDIRS:
            shutil.rmtree(folder / sub, ignore_errors=True)  # a previous build's
            (folder / sub).mkdir(parents=True)

    def words(self, text: str) -> list[str]:
        found = []
        for match in _WORD.finditer(text.lower()):
            run = match.group()
            if not is_han(run[0]):
                found.append(run)
                continue
            cut = self.cuts.get(run)  # labels and set phrases come back on every page
            if cut is None:
                cut = self.segment(run)
                if len(self.cuts) < CUTS_KEPT:
                    self.cuts[run] = cut
            found.extend(cut)
        return found

    def add(self, url: str, page_title: str, parts: list[Section], boost: float = 1.0) -> None:
        if not parts:
            return
        page = self.pages
        self.pages += 1
        # The opening takes the page's title when the page has no heading of its own.
        titles = [page_title if n == 0 and not p.title else p.title for n, p in enumerate(parts)]
        weights: Counter[str] = Counter()
        for n, (part, title) in enumerate(zip(parts, titles, strict=True)):
            heading = self.words(title)
            for word in set(heading):
                weights[word] += TITLE if n == 0 else HEADING
            if n == 0 and len(heading) == 1:
                weights[heading[0]] += TITLE  # the page is about it: 客服专员's own page
            for word, times in Counter(self.words(part.text)).items():
                weights[word] += min(times, MOST_TIMES)
        for word, raw in weights.items():
            weight = max(1, min(MOST_WEIGHT, round(raw * boost * 2)))
            self.postings.setdefault(word, array("Q")).append(page << 8 | weight)
        doc = {
            "u": url,
            "s": [[p.anchor, title, p.text] for p, title in zip(parts, titles, strict=True)],
        }
        data = _pack(doc)
        self.digest.update(data)
        (self.folder / "p" / f"{page}.json.gz").write_bytes(data)

    def write(self, settings: dict) -> dict:
        """Write the shards; return the worker's settings."""
        pages = self.pages
        entries = {term: _entry(postings, pages) for term, postings in self.postings.items()}
        raw = sum(len(term) + len(json.dumps(e)) for term, e in entries.items())
        shards = max(1, math.ceil(raw / 3 / SHARD_BYTES))  # digits compress about threefold
        grouped: list[dict[str, list]] = [{} for _ in range(shards)]
        for term in sorted(entries):
            grouped[shard_of(term, shards)][term] = entries[term]
        for n, group in enumerate(grouped):
            data = _pack(group)
            self.digest.update(data)
            (self.folder / "t" / f"{n}.json.gz").write_bytes(data)
        return {
            **settings,
            "pages": pages,
            "shards": shards,
            "version": self.digest.hexdigest()[:12],
            "han": HAN_RANGES,
            "weight_zero": WEIGHT_ZERO,
        }


def _entry(postings: array, pages: int) -> list:
    """[pages holding the term, then either [page step, weight, ...] or a bitset of the pages and
    their weights as one character each (chr(WEIGHT_ZERO + weight))]."""
    df = len(postings)
    if df * BITSET_SHARE <= pages:
        flat, last = [], 0
        for packed in postings:
            flat += (packed >> 8) - last, packed & 255
            last = packed >> 8
        return [df, flat]
    bits = bytearray((pages + 7) // 8)
    for packed in postings:
        page = packed >> 8
        bits[page >> 3] |= 1 << (page & 7)
    weights = "".join(chr(WEIGHT_ZERO + (packed & 255)) for packed in postings)
    return [df, base64.b64encode(bytes(bits)).decode("ascii"), weights]


def _pack(data: object) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def read(folder: Path) -> tuple[list[dict], dict[str, list]]:
    """A built index, whole: every page's document and every term's entry (for tests and
    audits; the worker reads a shard at a time)."""
    docs = [
        json.loads(gzip.decompress(path.read_bytes()))
        for path in sorted(
            (folder / "p").glob("*.json.gz"), key=lambda p: int(p.name.split(".")[0])
        )
    ]
    entries: dict[str, list] = {}
    for path in (folder / "t").glob("*.json.gz"):
        entries.update(json.loads(gzip.decompress(path.read_bytes())))
    return docs, entries
