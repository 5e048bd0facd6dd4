"""Where the handbook may read and write: sources inside the repository, outputs away from them."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from .errors import Diagnostic, HandbookError, SetupError, Severity

# Folders of the repository that no output may be, contain or sit inside, with what they hold.
PROTECTED = {
    "policies": "政策源文件",
    "schemas": "JSON Schema",
    "docs": "手写页面",
    "generator": "程序代码",
    "tests": "测试",
    ".git": "git 仓库数据",
}
# Written into every folder the tool makes; only a folder holding it is ever replaced.
MARKER = ".handbook-output"
MARKER_TEXT = (
    "Made by `handbook`; the whole folder is replaced by the next build. Do not keep files here.\n"
    "由 handbook 生成;下次生成时整个文件夹会被替换,请不要在这里放自己的文件。\n"
)
# The only non-page files of docs/ that editions other than staff publish (see staff_only).
SHARED_DOCS = "assets/"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_KINDS = {
    stat.S_IFIFO: "命名管道(FIFO)",
    stat.S_IFSOCK: "套接字",
    stat.S_IFCHR: "设备文件",
    stat.S_IFBLK: "设备文件",
    stat.S_IFDIR: "文件夹",
}


class UnsafePath(HandbookError):
    """Raised when an argument would make the tool read or write where it must not (exit 2)."""


def is_id(text: str) -> bool:
    """Tell whether `text` is a whole slug id (no trailing newline, no path characters)."""
    return len(text) <= 64 and _ID.fullmatch(text) is not None


def shown(path: Path) -> Path:
    """The path as people see it: relative to the working directory when below it."""
    path = Path(os.path.abspath(path))
    try:
        return path.relative_to(os.getcwd())
    except ValueError:
        return path


def inside(path: Path, repo: Path) -> bool:
    """Tell whether `path`, every link followed, lands inside `repo` and outside its .git."""
    return _inside(Path(path).resolve(), Path(repo).resolve())


def _inside(real: Path, repo: Path) -> bool:
    return real.is_relative_to(repo) and not real.is_relative_to(repo / ".git")


def outside(path: Path) -> tuple[str, str]:
    """The problem of a link that leaves the repository (code, message)."""
    return (
        "outside-repository",
        f"{shown(path)} 是指向仓库以外(或 .git 中)的符号链接({Path(path).resolve()}),"
        "不会被读取或发布。请把文件本身放进仓库,或删除这个链接。",
    )


def source_problem(path: Path, repo: Path) -> tuple[str, str] | None:
    """Why `path` may not be read as a source (code, message); None if fine or missing."""
    # Only stat(), never open(): opening a FIFO blocks, opening a device may act. A missing
    # file is left to the caller, which reports it in its own words.
    try:
        real = Path(path).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return "not-a-file", f"{shown(path)} 是循环的符号链接,无法读取。请删除它,换成普通文件。"
    if not _inside(real, Path(repo).resolve()):
        return outside(path)
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return None
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "特殊文件")
        return (
            "not-a-file",
            f"{shown(path)} 不是普通文件(是{kind}),不会被读取。请删除它,换成普通文件。",
        )
    return None


def check_folder(folder: Path, repo: Path, what: str) -> None:
    """Raise SetupError unless a source folder (policies/, schemas/, docs/) lies inside `repo`.

    A folder that is itself a symlink out of the repository would make every check on the files
    inside it pass, since the "repository" would be wherever the link lands.
    """
    if Path(folder).is_symlink() and what == "docs/":
        raise SetupError(
            f"docs/ 文件夹 {shown(Path(folder))} 是符号链接:生成时会发布它指向的内容。"
            "请用真正的文件夹。"
        )
    if Path(folder).exists() and not inside(folder, repo):
        raise SetupError(
            f"{what} {shown(Path(folder))} 在仓库 {shown(Path(repo))} 以外"
            f"(指向 {Path(folder).resolve()}),不会被读取:请把它放回仓库中,不要用符号链接。"
        )


def problem_diagnostic(path: Path, problem: tuple[str, str]) -> Diagnostic:
    """A source problem as an error at the file's first line."""
    return Diagnostic(shown(path), 1, 1, Severity.ERROR, problem[0], problem[1])


def files_problems(files: Iterable[str | Path], repo: Path) -> list[Diagnostic]:
    """An error for each of `files` that is not a regular file inside `repo`."""
    found = []
    for path in files:
        problem = source_problem(Path(path), repo)
        if problem:
            found.append(problem_diagnostic(Path(path), problem))
    return found


def tree_problems(folder: Path, repo: Path) -> list[Diagnostic]:
    """An error for each symlink or special file under `folder` (docs/): nothing there is published.

    docs/ holds no symlink at all. MkDocs follows linked folders: one pointing at / would make
    it read the whole disk, two pointing at each other make it walk without end, and one
    pointing inside the repository (docs/assets/p -> ../../policies) would publish what it
    points at to every edition, since docs/assets/ goes to every edition.
    """
    found: list[Diagnostic] = []
    for top, dirs, names in os.walk(folder):  # never follows links
        for name in [*dirs, *names]:
            path = Path(top) / name
            if path.is_symlink():
                message = (
                    f"{shown(path)} 是符号链接(指向 {os.readlink(path)})。docs/ 中不能有符号链接:"
                    "生成时会跟随它,把指向的内容发布出去。请放入文件本身,或删除这个链接。"
                )
                found.append(problem_diagnostic(path, ("symlink-in-docs", message)))
            elif name in names:
                problem = source_problem(path, repo)
                if problem:
                    found.append(problem_diagnostic(path, problem))
    return found


def in_folder(path: str | Path, folder: str | Path) -> bool:
    """Tell whether `path` lies below `folder`, comparing absolute paths (links not followed)."""
    return os.path.abspath(path).startswith(os.path.join(os.path.abspath(folder), ""))


def staff_only(src_uri: str) -> bool:
    """Tell whether a docs/ file that is not a page stays out of the client and public editions."""
    # Only docs/assets/ (the site's own CSS, scripts and images) goes to every edition: any
    # other file could be an internal attachment, so it goes to the staff edition alone.
    return not src_uri.startswith(SHARED_DOCS)


def output_dir(path: Path, repo: Path) -> Path:
    """Return the output folder resolved, or raise UnsafePath if writing it could touch sources."""
    # Compared resolved: a symlink anywhere in the chain counts where it lands.
    out = Path(path).resolve()
    repo = Path(repo).resolve()
    why = None
    if out == repo:
        why = "是仓库根目录"
    elif repo.is_relative_to(out):
        why = "包含整个仓库"
    else:
        for name, holds in PROTECTED.items():
            guarded = (repo / name).resolve()
            if out == guarded:
                why = f"就是 {name}/({holds})"
            elif out.is_relative_to(guarded):
                why = f"在 {name}/({holds})之中"
            elif guarded.is_relative_to(out):
                why = f"包含 {name}/({holds})"
            if why:
                break
    if why:
        raise UnsafePath(
            f"不能输出到 {path}:它{why},而输出文件夹在生成时会被整个替换。请换一个文件夹,例如 site/。"
        )
    if out.exists() and not out.is_dir():
        raise UnsafePath(f"输出位置 {path} 已经是一个文件,不是文件夹:请换一个文件夹。")
    return out


def output_file(path: Path, repo: Path) -> Path:
    """Return an output file's path resolved, or raise UnsafePath if it would overwrite sources."""
    out = Path(path).resolve()
    repo = Path(repo).resolve()
    for name, holds in PROTECTED.items():
        # docs/ may hold a written file (GitHub reads docs/CODEOWNERS); only folders replace docs/.
        if name != "docs" and out.is_relative_to((repo / name).resolve()):
            raise UnsafePath(f"不能把 {path} 写进 {name}/({holds}):请换一个位置。")
    if out.exists() and not out.is_file():
        raise UnsafePath(f"输出位置 {path} 已存在且不是普通文件:请换一个文件名。")
    return out


def check_replaceable(out: Path, shown_as: Path, *, site: bool) -> None:
    """Raise UnsafePath unless `out` is missing, empty or made by this tool (holds the marker)."""
    if not out.is_dir() or (out / MARKER).is_file() or not any(out.iterdir()):
        return
    # A site built before markers existed: what every MkDocs site has.
    made_by_mkdocs = (
        (out / "sitemap.xml").is_file()
        and (out / "index.html").is_file()
        and (out / "assets").is_dir()
    )
    if site and made_by_mkdocs:
        return
    raise UnsafePath(
        f"输出文件夹 {shown_as} 不是空的,也没有 {MARKER} 标记(不是 handbook 生成的),不会替换它:"
        "请换一个文件夹,或确认里面的文件不再需要后手动删除它。"
    )
