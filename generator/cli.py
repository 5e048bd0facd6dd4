"""The `handbook` command: argument parsing and exit codes; the work happens in the library."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .edition import EDITIONS
from .errors import HandbookError, has_errors
from .pipeline import CLIENTS, Result, load_handbook
from .report import FORMATS, render

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


# The top-level modules of the `site` extra (pyproject.toml): missing in a validation-only install.
SITE_MODULES = frozenset({"jinja2", "mkdocs", "material", "jieba"})


def run() -> NoReturn:
    """The `handbook` command: run main() and leave without tearing the heap down.

    A big handbook is millions of small objects; freeing them one by one at exit took seconds
    (3 s of 17 s validating 10,000 policies) and achieves nothing once the output is written.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # output piped into a command that already quit
        pass
    logging.shutdown()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.run(args)
    except HandbookError as exc:
        print(f"handbook: 错误:{exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except ModuleNotFoundError as exc:
        return _missing(args.command, exc)
    except Exception as exc:  # an internal failure must still end in a message and exit 2
        print(f"handbook: 内部错误:{type(exc).__name__}: {exc}", file=sys.stderr)
        print("这是 handbook 工具本身的缺陷,请把这条信息报告给维护者。", file=sys.stderr)
        return EXIT_USAGE


def _missing(command: str, exc: ModuleNotFoundError) -> int:
    """A module that is not installed: the site's, in a validation-only install, or a defect."""
    if exc.name in SITE_MODULES:  # the pre-commit hook's install, asked to build or scaffold
        print(
            f"handbook: 错误:{command} 需要生成站点的依赖(缺少 {exc.name})。"
            "请安装:pip install 'handbook-as-code[site]',或在仓库里运行 make setup。",
            file=sys.stderr,
        )
    else:
        print(f"handbook: 内部错误:{type(exc).__name__}: {exc}", file=sys.stderr)
        print("这是 handbook 工具本身的缺陷,请把这条信息报告给维护者。", file=sys.stderr)
    return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="handbook",
        description="Handbook-as-code: validate the YAML policies and render them as Markdown pages.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--policies",
        type=Path,
        default=Path("policies"),
        help="the policies folder (default: ./policies)",
    )
    common.add_argument(
        "--schemas",
        type=Path,
        default=None,
        help="the schemas folder (default: beside the policies folder)",
    )
    common.add_argument(
        "--today",
        type=_date,
        default=None,
        help="the date to check review deadlines against, YYYY-MM-DD (default: today or $HANDBOOK_TODAY)",
    )

    check = sub.add_parser(
        "validate",
        parents=[common],
        help="check the handbook and report every problem with file:line:column",
        description="Check the whole handbook (schemas and cross-file rules). With PATHs, report only "
        "on those files or folders; the rest of the handbook is still read to resolve references. "
        "Exit 0 when valid (warnings allowed), 1 when the content has errors, 2 on usage errors.",
    )
    check.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="files or folders to report on"
    )
    check.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    check.add_argument(
        "--changed",
        metavar="BASE",
        help="report only on files changed since the git ref BASE and the files that depend on them",
    )
    check.add_argument(
        "--timings", action="store_true", help="print seconds per stage as JSON on stderr"
    )
    check.add_argument(
        "--write-editor-schemas",
        action="store_true",
        help="also write build/editor-schemas/: the handbook's ids, for completion in the editor",
    )
    check.set_defaults(run=_validate)

    out = sub.add_parser(
        "render",
        parents=[common],
        help="write the generated Markdown pages and assets to a folder (engine-neutral)",
        description="Validate, then write every generated page as a plain Markdown tree to --out. "
        "Nothing is written when the handbook has errors.",
    )
    out.add_argument(
        "--out", type=Path, required=True, help="the folder to write (replaced as a whole)"
    )
    out.add_argument(
        "--edition",
        choices=EDITIONS,
        default="staff",
        help="which edition to write (default: staff)",
    )
    out.set_defaults(run=_render)

    new = sub.add_parser(
        "new",
        help="write a commented draft policy that passes validation (never overwrites)",
        description="Create policies/SECTION/ID.yaml as a draft with the schema modeline and comments. "
        "Owner and approver default to the ones most policies of the section have.",
    )
    new.add_argument("section", help="the section id, e.g. workflow")
    new.add_argument("id", help="the new policy's id (lowercase letters, digits, hyphens)")
    new.add_argument("--title", help="the policy's title")
    new.add_argument("--summary", help="one or two sentences on what the policy governs")
    new.add_argument("--owner", help="the owner's role id (or the role's name)")
    new.add_argument("--approver", help="the approver's role id (or the role's name)")
    new.add_argument(
        "--policies",
        type=Path,
        default=Path("policies"),
        help="the policies folder (default: ./policies)",
    )
    new.set_defaults(run=_new)

    done = sub.add_parser(
        "review",
        help="record a review with no content change (sets review.last, and review.reviewer)",
        description="Set review.last to today (or --date) in the policy's file and change nothing "
        "else: the one-line change a 'reviewed, no change' pull request needs.",
    )
    done.add_argument("id", help="the policy's id")
    done.add_argument("--reviewer", help="the reviewing role's id (sets review.reviewer)")
    done.add_argument("--date", type=_date, default=None, help="the review date (default: today)")
    done.add_argument(
        "--policies",
        type=Path,
        default=Path("policies"),
        help="the policies folder (default: ./policies)",
    )
    done.set_defaults(run=_review)

    change = sub.add_parser(
        "diff",
        help="summarise what changed since a git ref, as Markdown for a pull request",
        description="Compare the handbook at BASE with HEAD (a git ref; default: the working tree) and "
        "print a Markdown summary: policies added, removed, retired, fields changed, version bumps, "
        "policies that cite a changed one, and who must review. Exit 1 when a changed active policy "
        "(or one retired) did not bump its version or add a change-log entry, or when a file on "
        "either side cannot be read or fails the schema (it is left out of the comparison).",
    )
    change.add_argument("base", help="the git ref to compare with, e.g. origin/main")
    change.add_argument(
        "head", nargs="?", default=None, help="a git ref (default: the working tree)"
    )
    change.add_argument(
        "--policies",
        type=Path,
        default=Path("policies"),
        help="the policies folder (default: ./policies)",
    )
    change.add_argument("--output", type=Path, help="also write the Markdown to this file")
    change.set_defaults(run=_diff)

    owners = sub.add_parser(
        "codeowners",
        help="write CODEOWNERS from the roles' reviewers, or check the committed one is current",
        description="Map each policy file to the reviewers of its owner and approver (roles.yaml "
        "`reviewers`); everything else (a new policy too) falls back to handbook.yaml "
        "`maintainers`, who alone own the root files and the tool's own files (generator/, "
        "schemas/, mkdocs.yml, .github/, CODEOWNERS...), listed last so no other line overrides "
        "them. `handbook new` rewrites a generated file; `handbook validate` warns when it is stale.",
    )
    owners.add_argument(
        "--output",
        type=Path,
        default=Path(".github/CODEOWNERS"),
        help="default: .github/CODEOWNERS",
    )
    owners.add_argument(
        "--check", action="store_true", help="exit 1 if the file is missing or stale"
    )
    owners.add_argument(
        "--policies",
        type=Path,
        default=Path("policies"),
        help="the policies folder (default: ./policies)",
    )
    owners.set_defaults(run=_codeowners)

    pdf = sub.add_parser(
        "pdf",
        help="print the built site's print page to one PDF (A4, page numbers, bookmarks)",
        description="Print SITE/print/ with Debian's chromium to an A4 PDF with page numbers and a "
        "bookmark per section and policy. Chinese text needs a CJK font (fonts-noto-cjk).",
    )
    pdf.add_argument(
        "--site", type=Path, default=Path("site"), help="the built site (default: site/)"
    )
    pdf.add_argument("--out", type=Path, default=None, help="default: SITE/handbook.pdf")
    pdf.set_defaults(run=_pdf)

    site = sub.add_parser(
        "build",
        help="build the site with MkDocs (strict), replacing the site folder only on success",
        description="Validate and build one edition of the site with `mkdocs build --strict` into a "
        "staging folder; the site folder is replaced only when the build succeeded.",
    )
    site.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="default: mkdocs.yml")
    site.add_argument(
        "--edition",
        choices=EDITIONS,
        default=None,
        help="staff: everything; client: what clients may read; public: public only "
        "(default: staff; with --client: client)",
    )
    site.add_argument(
        "--client",
        default="",
        metavar="CLIENT",
        help="build the handbook of one client (policies/clients/CLIENT/): its client edition "
        "into site-CLIENT/, --edition staff (the account team's) into site-CLIENT-staff/",
    )
    site.add_argument(
        "--site-dir",
        type=Path,
        default=None,
        help="default: site/, or site-EDITION/ for other editions",
    )
    site.add_argument(
        "--preview",
        action="store_true",
        help="a build to look at, not to publish: no site URL needed (no sitemap, relative feed)",
    )
    site.add_argument(
        "--timings", action="store_true", help="print seconds per stage as JSON on stderr"
    )
    site.set_defaults(run=_build)

    sites = sub.add_parser(
        "sites",
        help="build every client's handbook (policies/clients/*/), in parallel processes",
        description="Validate the handbook and every client, then build each client's handbook "
        "into site-CLIENT/ (--edition staff: site-CLIENT-staff/), several at once. A client whose "
        "build fails keeps its previous site; the others are built.",
    )
    sites.add_argument(
        "--config", type=Path, default=Path("mkdocs.yml"), help="default: mkdocs.yml"
    )
    sites.add_argument(
        "--edition",
        choices=("client", "staff"),
        default="client",
        help="client: what each client reads (default); staff: each account team's version",
    )
    sites.add_argument(
        "--jobs", type=int, default=None, help="builds at once (default: one per CPU core)"
    )
    sites.add_argument(
        "--preview", action="store_true", help="build without site URLs (no sitemap, relative feed)"
    )
    sites.set_defaults(run=_sites)

    listing = sub.add_parser(
        "clients",
        parents=[common],
        help="list the clients (policies/clients/*/) with their names and addresses",
        description="List each client's id, name and site address; --json prints the list CI's "
        "build matrix reads: one entry per client, with the host its handbook is deployed to.",
    )
    listing.add_argument("--json", action="store_true", help="a JSON list for a CI matrix")
    listing.set_defaults(run=_clients)
    return parser


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


def _validate(args: argparse.Namespace) -> int:
    scope = []
    for path in args.paths:
        if not path.exists():
            print(f"handbook: 错误:找不到 {path}", file=sys.stderr)
            return EXIT_USAGE
        resolved = path.resolve()
        if not resolved.is_relative_to(args.policies.resolve()):
            print(f"handbook: 错误:{path} 不在政策文件夹 {args.policies} 中", file=sys.stderr)
            return EXIT_USAGE
        scope.append(resolved)
    result = load_handbook(args.policies, args.schemas, args.today)
    gc.freeze()  # the model lives until exit: spare it the collector's full passes (~1 s at 10k)
    diagnostics = result.diagnostics
    files = result.files
    clients = (args.policies / CLIENTS).resolve()
    if not scope or any(clients.is_relative_to(s) or s.is_relative_to(clients) for s in scope):
        from .clients import load_clients

        for client in load_clients(result, args.policies, effective=False):  # on the base
            diagnostics = [*diagnostics, *client.diagnostics]
            files += client.files
    if scope:
        diagnostics = [d for d in diagnostics if _within(d.file, scope)]
        files = sum(1 for doc in result.documents if _within(doc.path, scope))
    if args.changed:
        from .change_scope import describe, scope_of_change

        change = scope_of_change(result, args.policies, args.changed)
        diagnostics = [d for d in diagnostics if change.reports(d)]
        paths = [doc.path for doc in result.documents if not scope or _within(doc.path, scope)]
        files = sum(1 for path in paths if change.covers(path))
        print(describe(change, paths), file=sys.stderr)
    # The whole handbook, and every policy in it: is CODEOWNERS current? (While a file has an
    # error its policy is left out of the model, and CODEOWNERS would look stale without being.)
    if not scope and result.handbook is not None and not has_errors(diagnostics):
        from .codeowners import stale

        warning = stale(result.handbook, args.policies)
        diagnostics = [*diagnostics, warning] if warning else diagnostics
    if args.write_editor_schemas and result.handbook is not None and result.schemas is not None:
        from .editor import FOLDER, NAMESPACES, id_lists, write
        from .rules.context import NOUNS

        write(result.handbook, result.schemas, Path(args.policies).absolute().parent)
        ids = id_lists(result.handbook)
        listed = "、".join(
            f"{NOUNS[NAMESPACES[name]]} {len(pairs)} 个"
            for name, pairs in ids.items()
            if name != "actorRef"  # roles and parties together: roles are counted already
        )
        print(f"已更新编辑器的 id 清单 {FOLDER}/({listed})。", file=sys.stderr)
    sys.stdout.write(render(diagnostics, files, args.format))
    if args.timings:
        print(json.dumps({k: round(v, 3) for k, v in result.timings.items()}), file=sys.stderr)
    return EXIT_INVALID if has_errors(diagnostics) else EXIT_OK


def _within(path: Path, scope: list[Path]) -> bool:
    resolved = Path(path).resolve()
    return any(resolved == s or resolved.is_relative_to(s) for s in scope)


def _render(args: argparse.Namespace) -> int:
    from .paths import MARKER, MARKER_TEXT, check_replaceable, output_dir
    from .render import Page, render_pages, write_tree

    out = output_dir(args.out, args.policies.absolute().parent)  # before any work: exit 2
    result = load_handbook(args.policies, args.schemas, args.today)
    if not result.ok:
        sys.stderr.write(render(result.diagnostics, result.files, "text"))
        print("handbook: 手册有错误,没有写出任何页面。", file=sys.stderr)
        return EXIT_INVALID
    check_replaceable(out, args.out, site=False)
    # A plain Markdown tree for any engine: Markdown fields as their sanitised HTML.
    pages = render_pages(result.handbook, args.edition, result.schemas, fields="html")
    write_tree([*pages, Page(MARKER, MARKER_TEXT)], out)
    print(f"写出了 {len(pages)} 个文件到 {args.out}/")
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from .site import BuildFailed, build_site, show_build_log

    if args.client:
        from . import clients

        edition = args.edition or "client"
        clients.check_id(args.config.parent / "policies", args.client)  # before it names a folder
        if edition not in clients.EDITIONS:
            raise HandbookError(clients.edition_refused(edition))
        default = clients.site_dir(args.client, edition)
    else:
        edition = args.edition or "staff"
        default = Path("site" if edition == "staff" else f"site-{edition}")
    args.edition = edition
    site_dir = args.site_dir or default
    show_build_log()
    try:
        timings = build_site(
            args.config, site_dir, edition=edition, preview=args.preview, client=args.client
        )
    except BuildFailed as exc:
        print(f"handbook: {exc}", file=sys.stderr)
        return EXIT_INVALID
    pages = sum(1 for _ in site_dir.rglob("*.html"))
    print(
        f"生成了 {args.edition} 版站点:{site_dir}/({pages} 个 HTML 页面,用时 {timings['total']:.1f} 秒)"
    )
    if args.timings:
        print(json.dumps({k: round(v, 3) for k, v in timings.items()}), file=sys.stderr)
    return EXIT_OK


def _sites(args: argparse.Namespace) -> int:
    from .clients import client_ids, load_clients
    from .sites import build_all, jobs

    policies = args.config.parent / "policies"
    ids = client_ids(policies)
    workers = min(jobs(args.jobs), max(len(ids), 1))  # a wrong --jobs is said before any work
    if not ids:
        print(f"{policies}/{CLIENTS}/ 下没有客户文件夹:没有要生成的客户手册。", file=sys.stderr)
        return EXIT_OK
    # One check of the base and every client first: a broken base would fail every build alike.
    result = load_handbook(policies)
    loaded = load_clients(result, policies, effective=False)
    found = [*result.diagnostics, *(d for c in loaded for d in c.diagnostics)]
    if has_errors(found):
        sys.stderr.write(render(found, result.files + sum(c.files for c in loaded), "text"))
        print("handbook: 手册或客户文件有错误,没有生成任何客户手册。", file=sys.stderr)
        return EXIT_INVALID
    started = time.perf_counter()
    built = build_all(
        args.config, policies, edition=args.edition, preview=args.preview, workers=workers
    )
    wall = time.perf_counter() - started
    for b in built:
        if b.log:
            sys.stderr.write(f"--- {b.client} ---\n{b.log}")
        if b.error:
            print(f"handbook: 客户 {b.client}:{b.error}", file=sys.stderr)
        else:
            print(f"{b.site}/:{b.pages} 个 HTML 页面,用时 {b.seconds:.1f} 秒")
    failed = [b.client for b in built if b.error]
    total = sum(b.seconds for b in built)
    print(
        f"生成了 {len(built) - len(failed)} 个客户手册(共 {len(built)} 个),{workers} 个进程,"
        f"用时 {wall:.1f} 秒(逐个生成的时间合计 {total:.1f} 秒)"
        + (f";没有生成:{'、'.join(failed)}" if failed else "")
    )
    return EXIT_INVALID if failed else EXIT_OK


def _clients(args: argparse.Namespace) -> int:
    from urllib.parse import urlsplit

    from .clients import load_clients

    result = load_handbook(args.policies, args.schemas, args.today)
    loaded = load_clients(result, args.policies)
    found = [*result.diagnostics, *(d for c in loaded for d in c.diagnostics)]
    if has_errors(found):
        sys.stderr.write(render(found, result.files + sum(c.files for c in loaded), "text"))
        return EXIT_INVALID
    rows = []
    for c in loaded:
        profile = c.handbook.client.profile  # type: ignore[union-attr]
        host = urlsplit(profile.site_url).hostname if profile.site_url else None
        rows.append({"client": c.id, "name": profile.name, "url": profile.site_url, "host": host})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    else:
        for row in rows:
            print(f"{row['client']}\t{row['name']}\t{row['url'] or '(没有 site_url)'}")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from .pipeline import today_from_env
    from .scaffold import new_policy

    notes: list[str] = []
    path = new_policy(
        args.policies,
        args.section,
        args.id,
        title=args.title,
        summary=args.summary,
        owner=args.owner,
        approver=args.approver,
        today=today_from_env(),  # the day validation checks against (HANDBOOK_TODAY)
        notes=notes,
    )
    for note in notes:
        print(note)
    result = load_handbook(args.policies)
    mine = [d for d in result.diagnostics if Path(d.file).resolve() == path.resolve()]
    if mine:
        sys.stdout.write(render(mine, 1, "text"))
    print(f"已创建草稿 {path}:按文件中的注释填写,定稿后把 status 改为 active。")
    _new_codeowners(result, args.policies, path)
    return EXIT_INVALID if has_errors(mine) else EXIT_OK


def _new_codeowners(result: Result, policies: Path, draft: Path) -> None:
    """Rewrite CODEOWNERS for a new policy when the tool wrote it, so CI's check stays green."""
    from .codeowners import codeowners, find, generated
    from .paths import shown

    owners = find(policies.absolute().parent)
    if owners is None:
        return
    current = owners.read_text(encoding="utf-8", errors="replace")
    if not generated(current):
        print(
            f"注意:{shown(owners)} 不是 handbook codeowners 生成的,没有改动它:"
            f"请为 {shown(draft)} 手动添加审核人。"
        )
        return
    if result.handbook is None:
        print(f"注意:手册有错误,没有更新 {shown(owners)}:修好后运行 handbook codeowners。")
        return
    text = codeowners(result.handbook, policies, owners)
    if text == current:
        return
    owners.write_text(text, encoding="utf-8")
    source = Path(os.path.relpath(draft.absolute(), policies.absolute().parent)).as_posix()
    line = next((r for r in text.splitlines() if r.startswith(f"/{source} ")), "")
    who = f"(新政策的审核人:{line.split(' ', 1)[1]})" if line else ""
    print(f"已更新 {shown(owners)}{who}:请把它和新政策一起提交。")


def _review(args: argparse.Namespace) -> int:
    from .pipeline import today_from_env
    from .review import record_review

    done = record_review(
        args.policies, args.id, day=args.date or today_from_env(), reviewer=args.reviewer
    )
    who = f",复审人 {done.reviewer}" if done.reviewer else ""
    print(f"{done.path}:{done.line}: review.last {done.previous} → {done.day}{who}")
    print(f"建议的提交说明:复审《{done.title}》,内容无需修改")
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from .diff import compare_refs
    from .paths import output_file

    if args.output:
        output_file(args.output, args.policies.absolute().parent)
    summary = compare_refs(Path.cwd(), args.base, args.head, args.policies.as_posix())
    sys.stdout.write(summary.markdown)
    if args.output:
        args.output.write_text(summary.markdown, encoding="utf-8")
    sides = dict.fromkeys(side for side, _ in summary.unreadable)
    for side in sides:
        print(f"handbook: {side} 中有文件无法读取或不符合 schema,没有参与比较:", file=sys.stderr)
        for where, diagnostic in summary.unreadable:
            if where == side:
                print(diagnostic, file=sys.stderr)
    for problem in summary.problems:
        print(f"handbook: {problem}", file=sys.stderr)
    return EXIT_INVALID if summary.problems or summary.unreadable else EXIT_OK


def _codeowners(args: argparse.Namespace) -> int:
    from .codeowners import NO_MAINTAINERS, codeowners, compare
    from .paths import output_file

    result = load_handbook(args.policies)
    if result.handbook is None:
        sys.stderr.write(render(result.diagnostics, result.files, "text"))
        return EXIT_INVALID
    if not args.check:
        output_file(args.output, args.policies.absolute().parent)
    text = codeowners(result.handbook, args.policies, args.output)
    current = args.output.read_text(encoding="utf-8") if args.output.is_file() else None
    if not result.handbook.settings.maintainers:
        print(f"handbook: 警告:{NO_MAINTAINERS}", file=sys.stderr)
    if args.check:
        if current == text:
            print(f"{args.output} 与 roles.yaml 和 handbook.yaml 一致。")
            return EXIT_OK
        if current is None:
            print(
                f"handbook: {args.output} 不存在:请运行 handbook codeowners 生成并提交。",
                file=sys.stderr,
            )
        else:
            difference = compare(result.handbook, args.policies, args.output)
            print(f"handbook: {difference.message if difference else args.output}", file=sys.stderr)
        return EXIT_INVALID
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(
        f"写出了 {args.output}({sum(1 for line in text.splitlines() if line and not line.startswith('#'))} 条规则)"
    )
    return EXIT_OK


def _pdf(args: argparse.Namespace) -> int:
    from .paths import output_file
    from .pdf import make_pdf

    out = args.out or args.site / "handbook.pdf"
    output_file(out, Path.cwd())
    for written in make_pdf(args.site, out):
        print(f"写出了 {written}({written.stat().st_size // 1024} KB)")
    return EXIT_OK
