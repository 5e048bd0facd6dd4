"""Synthetic handbooks for the benchmark: N policies of realistic Chinese text, deterministic from a seed.

Every section kind, checklists with quotas, cross-references, KPIs, severity levels and playbooks,
obligations; the organisation and glossary are the example handbook's. Written outside the
repository's policies/ (make bench uses build/bench/N/).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KINDS = ("scope", "workflow", "communication", "data", "crisis", "compliance")
CLIENT_KINDS = ("communication", "data")  # what clients read (audience [staff, client])
ROLES = (
    "operations-director",
    "director-assistant",
    "compliance-officer",
    "platform-manager",
    "account-manager",
    "store-operator",
    "self-media-operator",
    "content-editor",
    "channel-specialist",
    "cs-manager",
    "cs-specialist",
    "data-analyst",
    "promotion-manager",
    "promotion-specialist",
    "ads-specialist",
    "planning-manager",
    "campaign-planner",
    "designer",
    "tech-manager",
    "engineer",
)
TERMS = (
    "gmv",
    "conversion-rate",
    "inquiry-conversion-rate",
    "average-order-value",
    "dsr",
    "roi",
    "ctr",
    "first-response-time",
    "refund-rate",
    "negative-review-rate",
    "content-calendar",
    "public-opinion",
)
BRANDS = (
    "天猫旗舰店",
    "京东自营店",
    "抖音小店",
    "拼多多店铺",
    "小红书账号",
    "微博官方号",
    "微信公众号",
    "快手小店",
)
SUBJECTS = (
    "店铺巡检",
    "商品上新",
    "活动报名",
    "客服接待",
    "售后退款",
    "差评回访",
    "内容排期",
    "广告投放",
    "达人合作",
    "直播排班",
    "数据复盘",
    "舆情监测",
    "权限交接",
    "素材授权",
    "价格核对",
    "库存预警",
)
VERBS = (
    "核对",
    "检查",
    "记录",
    "汇总",
    "提交",
    "确认",
    "更新",
    "复查",
    "上报",
    "整理",
    "发布",
    "回访",
)
OBJECTS = (
    "商品价格和库存",
    "活动规则和优惠券",
    "客服话术和口径",
    "当日成交数据",
    "差评和投诉记录",
    "广告消耗和投入产出",
    "账号违规提醒",
    "素材授权文件",
    "客户确认的排期表",
    "异常处理记录",
)
WHEN = (
    "每天 10:00 前",
    "每周一上午",
    "每月第 3 个工作日前",
    "发现异常后 30 分钟内",
    "活动开始前 24 小时",
    "收到投诉后 2 小时内",
    "当天 18:00 前",
)
FRAMES = (
    "{who}{when}{verb}{obj},结果写入巡检表并在项目群中通报。",
    "{subject}以客户书面确认的清单为准,清单以外的改动一律先由{who}{verb}。",
    "发现{obj}与清单不一致时,{who}{when}处理,并在日报中说明原因和影响。",
    "{subject}的每一步都要留痕:谁在什么时间{verb}了{obj},处理结果是什么。",
    "{who}对{subject}的结果负责,{when}把{obj}交给项目经理审核。",
)
NAMES = {
    "operations-director": "运营总监",
    "platform-manager": "平台项目部经理",
    "account-manager": "项目经理",
    "store-operator": "店铺运营专员",
    "cs-specialist": "客服专员",
    "data-analyst": "数据分析师",
    "ads-specialist": "广告投放专员",
    "cs-manager": "客户服务部经理",
    "compliance-officer": "合规专员",
}


def sentence(rng: random.Random) -> str:
    return rng.choice(FRAMES).format(
        who=rng.choice(list(NAMES.values())),
        when=rng.choice(WHEN),
        verb=rng.choice(VERBS),
        obj=rng.choice(OBJECTS),
        subject=rng.choice(SUBJECTS),
    )


def q(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def policy(n: int, kind: str, total: int, rng: random.Random) -> str:
    pid = f"p{n:05d}"
    subject = rng.choice(SUBJECTS)
    brand = rng.choice(BRANDS)
    owner, approver = rng.choice(ROLES), rng.choice(ROLES[:4])
    related = sorted({f"p{rng.randrange(total):05d}" for _ in range(2)} - {pid})
    lines = [
        f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json",
        f"id: {pid}",
        f"title: {q(f'{brand}{subject}规范 {n}')}",
        f"section: {kind}",
        f"summary: {q(f'{brand}的{subject}:由谁负责、多长时间内完成、做到什么程度。')}",
        f"owner: {owner}",
        f"approver: {approver}",
        f"audience: {'[staff, client]' if kind in CLIENT_KINDS else '[staff]'}",
        "status: active",
        'version: "1.1.0"',
        "effective: 2026-03-01",
        "review:",
        f"  cycle: {rng.choice(['quarterly', 'semiannual', 'annual'])}",
        f"  last: 2026-{rng.randint(6, 10):02d}-{rng.randint(1, 28):02d}",
        f"tags: [{subject}, {brand}]",
        f"related: [{', '.join(related)}]",
        f"terms: [{', '.join(sorted(rng.sample(TERMS, 2)))}]",
        "changelog:",
        '  - version: "1.1.0"',
        "    date: 2026-03-01",
        f"    summary: {q(sentence(rng))}",
        '  - version: "1.0.0"',
        "    date: 2025-09-01",
        "    summary: 首次发布。",
        "body: |",
        "  ## 目的",
        "",
        *(f"  {sentence(rng)}" for _ in range(3)),
        "",
        "  ## 要求",
        "",
        *(f"  - {sentence(rng)}" for _ in range(4)),
    ]
    lines += PARTS[kind](pid, n, rng)
    if n % 2 == 0:
        role = rng.choice(ROLES)
        lines += [
            "checklists:",
            f"  - id: {pid}-check",
            f"    title: {q(f'{subject}清单 {n}')}",
            f"    role: {role}",
            f"    frequency: {rng.choice(['daily', 'weekly', 'monthly'])}",
            "    client_may_set:",
            "      items: {add: true}",
            "    items:",
        ]
        for i in range(rng.randint(3, 5)):
            lines += [
                f"      - text: {q(sentence(rng))}",
                f"        evidence: {q(rng.choice(OBJECTS))}",
            ]
            if i == 0:
                lines += ["        quota: {count: 30, unit: 条, per: person, period: month}"]
    return "\n".join(lines) + "\n"


def _scope(pid: str, n: int, rng: random.Random) -> list[str]:
    return [
        "services:",
        f"  - id: {pid}-svc",
        f"    name: {q(rng.choice(SUBJECTS) + '服务')}",
        f"    summary: {q(sentence(rng))}",
        "    includes:",
        *(f"      - {q(sentence(rng))}" for _ in range(3)),
        "    excludes:",
        f"      - {q(sentence(rng))}",
        f"    owner: {rng.choice(ROLES)}",
        f"    performed_by: [{rng.choice(ROLES)}]",
    ]


def _workflow(pid: str, n: int, rng: random.Random) -> list[str]:
    steps = []
    for _ in range(rng.randint(4, 6)):
        steps += [
            f"      - who: {rng.choice(ROLES)}",
            f"        what: {q(sentence(rng))}",
            f"        within: {rng.choice(['30m', '2h', '1d', '3wd'])}",
        ]
    return [
        "procedures:",
        f"  - id: {pid}-proc",
        f"    title: {q(rng.choice(SUBJECTS) + '流程')}",
        f"    trigger: {q(sentence(rng))}",
        f"    owner: {rng.choice(ROLES)}",
        "    steps:",
        *steps,
    ]


def _communication(pid: str, n: int, rng: random.Random) -> list[str]:
    return [
        "reports:",
        f"  - id: {pid}-report",
        f"    name: {q(rng.choice(BRANDS) + '周报')}",
        "    cadence: weekly",
        '    due: {weekday: 1, time: "12:00"}',
        f"    prepared_by: {rng.choice(ROLES)}",
        "    recipients: [client, account-manager]",
        "    client_may_set:",
        "      due: {}",
        "      recipients: {add: true}",
        "    contents:",
        *(f"      - {q(sentence(rng))}" for _ in range(3)),
        "commitments:",
        f"  - id: {pid}-reply",
        f"    situation: {q(sentence(rng))}",
        "    within: 30m",
        f"    who: {rng.choice(ROLES)}",
        "    client_may_set:",
        "      within: {max: 30m}",
    ]


def _data(pid: str, n: int, rng: random.Random) -> list[str]:
    out = ["kpis:"]
    for i in range(2):
        out += [
            f"  - id: {pid}-kpi{i}",
            f"    name: {q(rng.choice(SUBJECTS) + '达成率')}",
            f"    definition: {q(sentence(rng))}",
            "    formula: 实际值 ÷ 目标值 × 100%",
            '    unit: "%"',
            "    direction: higher",
            "    target: 100",
            "    warning: 90",
            "    alert: 80",
            "    frequency: weekly",
            "    source: 生意参谋",
            f"    owner: {rng.choice(ROLES)}",
            "    client_may_set:",
            "      target: {min: 50, max: 150}",
            "      warning: {min: 40, max: 140}",
            "      alert: {min: 30, max: 130}",
        ]
    return out


def _crisis(pid: str, n: int, rng: random.Random) -> list[str]:
    out = [
        "severity_levels:",
        f"  - id: {pid}-sev",
        "    level: 1",
        f"    name: {q('一级 ' + pid)}",
        "    criteria:",
        f"      - {q(sentence(rng))}",
        "    first_response: 15m",
        f"    lead: {rng.choice(ROLES)}",
        "playbooks:",
        f"  - id: {pid}-pb",
        "    incident: negative-publicity",
        f"    title: {q(rng.choice(SUBJECTS) + '预案')}",
        f"    severity: {pid}-sev",
        "    signals:",
        f"      - {q(sentence(rng))}",
        "    steps:",
    ]
    for _ in range(3):
        out += [
            f"      - who: {rng.choice(ROLES)}",
            f"        what: {q(sentence(rng))}",
            "        within: 30m",
        ]
    return out


def _compliance(pid: str, n: int, rng: random.Random) -> list[str]:
    return [
        "obligations:",
        f"  - id: {pid}-ob",
        "    source: 中华人民共和国电子商务法",
        "    article: 第十七条",
        "    kind: law",
        f"    requirement: {q(sentence(rng))}",
        f"    owner: {rng.choice(ROLES)}",
        "    controls:",
        *(f"      - {q(sentence(rng))}" for _ in range(2)),
    ]


PARTS = {
    "scope": _scope,
    "workflow": _workflow,
    "communication": _communication,
    "data": _data,
    "crisis": _crisis,
    "compliance": _compliance,
}


def generate(root: Path, count: int, seed: int = 20261123) -> Path:
    """Write a project folder (policies, schemas, mkdocs.yml, docs) with `count` policies."""
    rng = random.Random(seed + count)
    if root.exists():
        shutil.rmtree(root)
    policies = root / "policies"
    for kind in KINDS:
        (policies / kind).mkdir(parents=True)
    shutil.copy(REPO / "policies" / "roles.yaml", policies)
    shutil.copy(REPO / "policies" / "glossary.yaml", policies)
    handbook = (REPO / "policies" / "handbook.yaml").read_text(encoding="utf-8")
    handbook = (
        handbook.split("introduction:")[0] + "sections:" + handbook.split("\nsections:", 1)[1]
    )
    (policies / "handbook.yaml").write_text(
        handbook.replace("title: 运营管理中心手册", f"title: 合成手册 {count} 条"), encoding="utf-8"
    )
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        (policies / kind / f"p{n:05d}.yaml").write_text(
            policy(n, kind, count, rng), encoding="utf-8"
        )
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copy(REPO / "mkdocs.yml", root)
    shutil.copytree(REPO / "docs", root / "docs")
    return root


def generate_clients(root: Path, count: int, policies: int, seed: int = 20261128) -> list[str]:
    """Write `count` clients over the `policies`-policy handbook at `root`: each a profile,
    overlays of five base policies (KPI targets, a response time, report recipients, a
    checklist item) and, for every fourth client, a policy of its own."""
    rng = random.Random(seed + count)
    base = root / "policies"
    of = {kind: [n for n in range(policies) if KINDS[n % len(KINDS)] == kind] for kind in KINDS}
    services = [f"p{n:05d}-svc" for n in of["scope"]]
    ids = []
    for c in range(count):
        ident = f"c{c:03d}"
        ids.append(ident)
        folder = base / "clients" / ident
        folder.mkdir(parents=True)
        brand = rng.choice(BRANDS)
        (folder / "client.yaml").write_text(
            "\n".join(
                [
                    f"name: {q(f'合成客户 {c}')}",
                    f"brand: {q(brand)}",
                    "contract: {start: 2026-01-01, end: 2026-12-31}",
                    f"services: [{', '.join(sorted(rng.sample(services, 3)))}]",
                    "channels:",
                    f"  - {{platform: 天猫, name: {q(brand + str(c))}}}",
                    "contacts:",
                    f"  - {{id: {ident}-buyer, name: 客户方运营, summary: {q(sentence(rng))}}}",
                    "team:",
                    f"  - role: {rng.choice(ROLES)}",
                    f'maintainers: ["@synth/{ident}-team"]',
                    f"site_url: https://{ident}.clients.example.com/",
                ]
            )
            + "\n",
            encoding="utf-8",
        )
        for n in rng.sample(of["data"], 3):
            pid = f"p{n:05d}"
            (folder / f"{pid}.yaml").write_text(
                f"overlay: {pid}\nkpis:\n  {pid}-kpi0: {{target: {rng.randint(95, 140)}}}\n"
                f"  {pid}-kpi1: {{warning: {rng.randint(80, 95)}, alert: {rng.randint(60, 79)}}}\n",
                encoding="utf-8",
            )
        for n in rng.sample(of["communication"], 2):
            pid = f"p{n:05d}"
            (folder / f"{pid}.yaml").write_text(
                f"overlay: {pid}\ncommitments:\n  {pid}-reply: {{within: 15m}}\n"
                f"reports:\n  {pid}-report:\n    recipients: {{add: [{ident}-buyer]}}\n",
                encoding="utf-8",
            )
        if c % 4 == 0:
            (folder / "workflow").mkdir()
            text = policy(policies + c, "workflow", policies, rng).replace(
                f"p{policies + c:05d}", f"{ident}-own"
            )
            (folder / "workflow" / f"{ident}-own.yaml").write_text(text, encoding="utf-8")
    return ids


if __name__ == "__main__":
    import sys

    generate(Path(sys.argv[1]), int(sys.argv[2]))
