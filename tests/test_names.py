"""Names where ids belong: a role's name, a term, a policy's title written for the id is told the
id, once, at the value; only characters that really look like Latin letters are called so."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE_TODAY, REPO, SCHEMAS, TODAY, make_handbook

from generator import load_handbook
from generator.cli import main
from generator.review import ReviewError, record_review
from generator.scaffold import ScaffoldError, new_policy
from generator.validate import ID_PATTERN, _pattern_culprit

SLUG = f"^{ID_PATTERN}$"
SLUG_HINT = "小写英文字母、数字和连字符,以字母或数字开头和结尾,最长 64 个字符。"
DURATION = "^(待定|[1-9][0-9]{0,3} ?(s|秒|m|min|分钟|h|小时|d|天|wd|工作日|个工作日|w|周))$"


@pytest.mark.parametrize(
    ("value", "pattern", "said"),
    [
        # Letters of other scripts drawn like Latin ones: look-alikes, named as such.
        (
            "fl\u043ew",
            SLUG,
            "含有西里尔字母“\u043e”(U+043E CYRILLIC SMALL LETTER O),它与英文字母 o 长得一样,"
            "其实不是:请删除它,用英文输入法重新输入。",
        ),
        (
            "\u03bfps",
            SLUG,
            "含有希腊字母“\u03bf”(U+03BF GREEK SMALL LETTER OMICRON),它与英文字母 o 长得一样,"
            "其实不是:请删除它,用英文输入法重新输入。",
        ),
        (
            "\uff44irector",
            SLUG,
            "含有全角字符“\uff44”(U+FF44),要写成半角的“d”(切换到英文输入法)。",
        ),
        (
            "cs\u2013manager",
            SLUG,
            "含有“\u2013”(U+2013 EN DASH),它看起来像连字符 -,其实不是:请改用英文输入法的 -。",
        ),
        (
            "\uff13\uff10m",
            DURATION,
            "含有全角字符“\uff13”(U+FF13),要写成半角的“3”(切换到英文输入法)。",
        ),
        # Chinese is not a look-alike: it is said to be Chinese, and what an id is made of.
        ("合规专员", SLUG, "含有中文“合”,id 里不能有中文。"),
        ("a\u3000b", SLUG, "含有全角空格(U+3000):id 里不能有空格,单词之间用连字符 - 连接。"),
        ("gmv rate", SLUG, "含有空格:id 里不能有空格,单词之间用连字符 - 连接。"),
        ("Manager", SLUG, "含有大写字母“M”。"),
        # Where the shape is not an id's, Chinese may be allowed (分钟): the field's words say it.
        ("30分钟以内", DURATION, ""),
    ],
)
def test_what_breaks_a_value_is_named_plainly(value: str, pattern: str, said: str) -> None:
    assert _pattern_culprit(value, pattern, SLUG_HINT if pattern == SLUG else "") == said


def test_without_the_fields_words_an_id_is_said_to_be_made_of_letters_digits_and_hyphens() -> None:
    assert _pattern_culprit("开店巡检", SLUG, "流程或预案 id") == (
        "含有中文“开”:id 只能用小写英文字母、数字和连字符。"
    )


def diagnostics(policies: Path) -> list[str]:
    result = load_handbook(policies, SCHEMAS, today=TODAY)
    return [
        f"{Path(d.file).name}:{d.line}:{d.column}: {d.code}: {d.message}"
        for d in result.diagnostics
    ]


def test_a_name_that_passes_as_an_id_is_told_its_id(tmp_path: Path) -> None:
    # "pm" is shaped like an id: no schema error, and the reference finds no role "pm"; it is
    # the name of role manager, and said so instead of "role pm does not exist".
    policies = make_handbook(tmp_path)
    roles = policies / "roles.yaml"
    roles.write_text(
        roles.read_text(encoding="utf-8").replace("name: 运营经理", "name: PM"), encoding="utf-8"
    )
    flow = policies / "workflow" / "flow.yaml"
    flow.write_text(
        flow.read_text(encoding="utf-8").replace("owner: manager\n", "owner: pm\n", 1),
        encoding="utf-8",
    )
    assert diagnostics(policies) == [
        "flow.yaml:5:8: name-for-id: “pm”是角色 manager 的名称,这里要写 id:manager。"
    ]


def test_an_alias_and_a_full_name_of_a_term_are_names_too(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    flow = policies / "workflow" / "flow.yaml"
    flow.write_text(
        flow.read_text(encoding="utf-8").replace("terms: [gmv]", "terms: [DSR, 商品交易总额]"),
        encoding="utf-8",
    )
    assert diagnostics(policies) == [
        "flow.yaml:15:9: name-for-id: “DSR”是术语 dsr 的别名,这里要写 id:dsr。",
        "flow.yaml:15:14: name-for-id: “商品交易总额”是术语 gmv 的全称,这里要写 id:gmv。",
    ]


def test_a_name_shared_by_a_role_and_a_party_offers_both(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    roles = policies / "roles.yaml"
    roles.write_text(
        roles.read_text(encoding="utf-8").replace("name: 电商平台", "name: 运营经理"),
        encoding="utf-8",
    )
    flow = policies / "workflow" / "flow.yaml"
    flow.write_text(
        flow.read_text(encoding="utf-8").replace(
            "      - who: manager\n", "      - who: 运营经理\n"
        ),
        encoding="utf-8",
    )
    assert diagnostics(policies) == [
        "flow.yaml:40:14: name-for-id: “运营经理”是角色 manager 的名称、外部相关方 platform 的名称,"
        "这里要写其中一个的 id:manager 或 platform。"
    ]


def test_a_checklists_title_where_a_policy_belongs_is_told_its_policy(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    svc = policies / "scope" / "svc.yaml"
    svc.write_text(
        svc.read_text(encoding="utf-8").replace("related: [flow]", "related: [运营专员每日清单]"),
        encoding="utf-8",
    )
    assert diagnostics(policies) == [
        "svc.yaml:14:11: bad-format: related[1](政策) 要写政策的 id,“运营专员每日清单”却是检查清单 "
        "operator-daily 的标题(它在政策 flow 中,这里可以写 flow),不是政策。"
    ]


def test_names_are_not_guessed_when_roles_yaml_cannot_be_read(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    (policies / "roles.yaml").write_text("roles: [\n", encoding="utf-8")
    flow = policies / "workflow" / "flow.yaml"
    flow.write_text(
        flow.read_text(encoding="utf-8").replace("owner: manager\n", "owner: 运营经理\n", 1),
        encoding="utf-8",
    )
    found = diagnostics(policies)
    assert [line.split(": ")[1] for line in found] == ["yaml-syntax", "bad-format"]
    assert "含有中文“运”,id 里不能有中文。" in found[1]


def test_the_issues_examples_in_the_example_handbook(tmp_path: Path) -> None:
    """who: 合规专员 and terms: [直播], as reported (issue 15, item 2)."""
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    path = tmp_path / "policies" / "workflow" / "account-permission-management.yaml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    who = next(i for i, line in enumerate(lines) if line.lstrip().startswith("- who: "))
    lines[who] = lines[who][: lines[who].index("- who: ") + 7] + "合规专员\n"
    terms = next(i for i, line in enumerate(lines) if line.startswith("terms: ["))
    lines[terms] = lines[terms].replace("terms: [", "terms: [直播, ", 1)
    path.write_text("".join(lines), encoding="utf-8")
    result = load_handbook(tmp_path / "policies", SCHEMAS, today=EXAMPLE_TODAY)
    errors = [(d.line, d.code, d.message) for d in result.diagnostics if d.severity == "error"]
    assert errors == [
        (
            terms + 1,
            "bad-format",
            "terms[1](术语) 要写术语的 id,手册中没有叫“直播”的术语。"
            "名称相近的有:术语 live-commerce(“直播带货”);若指的是它,请写它的 id。",
        ),
        (
            who + 1,
            "name-for-id",
            "“合规专员”是角色 compliance-officer 的名称,这里要写 id:compliance-officer。",
        ),
    ]


# --- handbook new and handbook review take a role's name -------------------------------------


def test_new_policy_takes_a_roles_name_and_writes_its_id(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    notes: list[str] = []
    path = new_policy(
        policies,
        "workflow",
        "flow-2",
        owner="运营专员",
        approver="Director",
        today=TODAY,
        notes=notes,
    )
    text = path.read_text(encoding="utf-8")
    assert "\nowner: operator  #" in text and "\napprover: director  #" in text
    assert notes == [
        "--owner 运营专员 是角色 operator 的名称:已写入它的 id operator。",
        "--approver Director 按角色 id director 写入(id 用小写半角字母)。",
    ]
    assert diagnostics(policies) == []


def test_new_policy_lists_the_roles_with_their_names(tmp_path: Path) -> None:
    policies = make_handbook(tmp_path)
    with pytest.raises(ScaffoldError) as raised:
        new_policy(policies, "workflow", "flow-2", owner="合规专员", today=TODAY)
    assert str(raised.value) == (
        "--owner 合规专员 不是 roles.yaml 中的角色。请写角色的 id(或名称),"
        "可用:director(运营总监)、manager(运营经理)、operator(运营专员)。"
    )


def test_the_new_command_says_which_id_it_wrote(tmp_path: Path, run_cli) -> None:
    make_handbook(tmp_path, schemas=True)
    run = run_cli("new", "workflow", "flow-2", "--owner", "运营经理", cwd=tmp_path)
    assert run.code == 0, run.err
    assert run.out.startswith("--owner 运营经理 是角色 manager 的名称:已写入它的 id manager。\n")
    assert "\nowner: manager  #" in (tmp_path / "policies" / "workflow" / "flow-2.yaml").read_text(
        encoding="utf-8"
    )


def test_review_takes_the_reviewers_name(tmp_path: Path, monkeypatch) -> None:
    policies = make_handbook(tmp_path, schemas=True)
    done = record_review(policies, "flow", day=TODAY, reviewer="运营经理")
    assert done.reviewer == "manager"
    assert "reviewer: manager" in (policies / "workflow" / "flow.yaml").read_text(encoding="utf-8")
    with pytest.raises(ReviewError, match="--reviewer 无名氏 不是 roles.yaml 中的角色"):
        record_review(policies, "flow", day=TODAY, reviewer="无名氏")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--schemas", str(SCHEMAS), "--today", TODAY.isoformat()]) == 0
