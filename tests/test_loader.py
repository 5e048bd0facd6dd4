"""The loader: plain data from YAML, positions for every value, problems as diagnostics."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.loader import MAX_DEPTH, MAX_FILE_BYTES, Document, parse_document, read_document


def parse(text: str) -> tuple[Document, list]:
    return parse_document(Document(Path("x.yaml"), text))


def test_values_keep_their_types_and_dates_stay_strings() -> None:
    doc, problems = parse("a: 2026-03-01\nb: 3\nc: 1.5\nd: true\ne: ~\nf: [x, 'y']\n")
    assert problems == []
    assert doc.data == {"a": "2026-03-01", "b": 3, "c": 1.5, "d": True, "e": None, "f": ["x", "y"]}


def test_locate_finds_keys_values_and_list_items() -> None:
    doc, _ = parse("top:\n  list:\n    - name: one\n    - name: two\n      deep: {k: v}\n")
    assert doc.locate(("top", "list", 1, "name")) == (4, 13)
    assert doc.locate(("top", "list", 1, "name"), key=True) == (4, 7)
    assert doc.locate(("top", "list", 1, "deep", "k")) == (5, 17)
    # a path that goes further than the document stops at the deepest node found
    assert doc.locate(("top", "list", 9)) == (3, 5)
    assert doc.locate(("missing",), key=True) == (1, 1)


def test_locate_in_text_of_a_literal_block() -> None:
    doc, _ = parse("body: |\n  line one\n  second (policy:x) here\n")
    offset = doc.data["body"].index("policy:x")
    assert doc.locate_in_text(("body",), offset) == (3, 11)


def test_locate_in_text_of_quoted_and_plain_scalars() -> None:
    doc, _ = parse('a: "abc [t](policy:x)"\nb: abc [t](policy:y)\n')
    assert doc.locate_in_text(("a",), doc.data["a"].index("policy")) == (1, 13)
    assert doc.locate_in_text(("b",), doc.data["b"].index("policy")) == (2, 12)


def test_positions_are_recomputed_lazily_after_loading(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("id: x\nowner: y\n", encoding="utf-8")
    doc, problems = read_document(path)
    assert problems == []
    doc._root = None  # positions are not kept for valid files: they are found again when needed
    assert doc.locate(("owner",)) == (2, 8)


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        ("a: 1\na: 2\n", "duplicate-key", (2, 1)),
        ("? [1, 2]\n: x\n", "key-not-text", (1, 3)),
        ("on: 1\n", "key-not-text", (1, 1)),
        ("a: !!binary aGVsbG8=\n", "unsupported-tag", (1, 4)),
        ("a: !!set {x}\n", "unsupported-tag", (1, 4)),
        ("a: &x {k: 1}\nb:\n  <<: *x\n", "merge-key", (3, 3)),
        ("- 1\n", "not-a-mapping", (1, 1)),
        ("plain text\n", "not-a-mapping", (1, 1)),
        ("", "empty-file", (1, 1)),
        ("# only a comment\n", "empty-file", (1, 1)),
        ("a: 1\n---\nb: 2\n", "yaml-syntax", (2, 1)),
    ],
)
def test_problems_are_reported_with_positions(
    text: str, code: str, position: tuple[int, int]
) -> None:
    doc, problems = parse(text)
    assert [(p.code, (p.line, p.column)) for p in problems] == [(code, position)]
    assert doc.data is None


def test_every_duplicate_key_is_reported_not_only_the_first() -> None:
    _, problems = parse("a: 1\na: 2\nb:\n  c: 1\n  c: 2\n")
    assert [(p.line, p.column) for p in problems] == [(2, 1), (5, 3)]


def test_deep_nesting_is_cut_off_with_a_message() -> None:
    text = "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    _, problems = parse(text)
    assert [p.code for p in problems] == ["too-deep"]


def test_alias_expansion_is_bounded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    _, problems = parse("\n".join(lines) + "\n")
    assert [p.code for p in problems] == ["too-many-values"]


def test_file_size_is_checked_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * MAX_FILE_BYTES + b"\n")
    _, problems = read_document(path)
    assert [p.code for p in problems] == ["file-too-large"]


def test_gbk_is_reported_at_the_first_non_ascii_character(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("id: x\ntitle: 店铺巡检\n".encode("gbk"))
    _, problems = read_document(path)
    assert [(p.code, p.line, p.column) for p in problems] == [("not-utf8", 2, 8)]


def test_bom_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfid: x\n")
    doc, problems = read_document(path)
    assert problems == [] and doc.data == {"id": "x"}


def test_unreadable_file_is_a_diagnostic(tmp_path: Path) -> None:
    _, problems = read_document(tmp_path / "missing.yaml")
    assert [p.code for p in problems] == ["unreadable-file"]
