"""The addresses the generated site keeps for itself, in one place: no id may take one."""

from __future__ import annotations

# Every top-level name of a built site (render.py, plugin.py, MkDocs, Material, `make pdf`), with
# what lives there. A section id is a top-level folder, so it must not be one of these; policy
# and former ids are held to the same list, so moving a policy never makes a clash.
SITE: dict[str, str] = {
    "index": "首页 index.html",
    "404": "“页面不存在”页 404.html",
    "assets": "样式、脚本和图表 assets/",
    "checklists": "检查清单 checklists/",
    "client": "客户手册的项目概况 client/",
    "clients": "各客户的档案与覆盖文件 policies/clients/",
    "contributing": "贡献指南 contributing/",
    "duties": "按频率列出的职责 duties/",
    "feed": "更新订阅 feed.xml",
    "gaps": "待定事项 gaps/",
    "glossary": "术语表 glossary/",
    "handbook": "整本手册的 PDF handbook.pdf",
    "print": "打印版 print/",
    "reference": "字段参考 reference/",
    "reviews": "复审日历 reviews/",
    "roles": "组织与角色 roles/",
    "search": "搜索索引 search/",
    "sitemap": "站点地图 sitemap.xml",
}

# Pages the site writes into the folders that also hold one page per policy, role or checklist.
IN_FOLDER: dict[str, dict[str, str]] = {
    "policy": {"index": "所在部分的首页 <部分>/"},
    "role": {"index": "组织与角色首页 roles/", "matrix": "职责矩阵 roles/matrix/"},
    "checklist": {"index": "检查清单首页 checklists/"},
}


def clash(ident: str, namespace: str) -> str | None:
    """Name the page of the site that an id of `namespace` would take the place of, or None."""
    page = IN_FOLDER.get(namespace, {}).get(ident)
    if page is None and namespace in ("section", "policy", "former"):
        page = SITE.get(ident)
    return page
