"""The few git questions the handbook asks: what changed since a ref, and a tree as of a ref."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from .errors import HandbookError


class GitError(HandbookError):
    """Raised when git is missing, the folder is not a repository, or a ref does not exist."""


def git(*args: str, cwd: Path) -> bytes:
    """Run git and return its output; raise GitError with git's own message when it fails."""
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=120)
    except FileNotFoundError:
        raise GitError("找不到 git 命令:请先安装 git。") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args)} 失败:{message[-1] if message else proc.returncode}")
    return proc.stdout


def toplevel(cwd: Path) -> Path:
    """The repository's root folder."""
    return Path(git("rev-parse", "--show-toplevel", cwd=cwd).decode().strip())


def commit(root: Path, ref: str) -> str:
    """The full hash of the commit `ref` names; GitError (a usage error) when it names none."""
    # Later calls take the hash, so no argument ever reaches git as an option (`--output=...`).
    try:
        out = git(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", cwd=root
        )
    except GitError:
        raise GitError(
            f"{ref!r} 不是这个 git 仓库中的提交、分支或标签:请检查拼写,例如 origin/main。"
        ) from None
    return out.decode("ascii").strip()


def changed_since(root: Path, base: str, folder: str) -> tuple[set[str], set[str]]:
    """Files under `folder` changed since `base` in the working tree: (present, deleted) paths."""
    base = commit(root, base)
    present: set[str] = set()
    deleted: set[str] = set()
    out = git(
        "diff",
        "--name-status",
        "--no-renames",
        "-z",
        "--end-of-options",
        base,
        "--",
        folder,
        cwd=root,
    )
    fields = out.decode("utf-8").split("\0")
    for status, path in zip(fields[0::2], fields[1::2], strict=False):
        (deleted if status.startswith("D") else present).add(path)
    untracked = git("ls-files", "--others", "--exclude-standard", "-z", "--", folder, cwd=root)
    present |= {p for p in untracked.decode("utf-8").split("\0") if p}
    return present, deleted


def show(root: Path, ref: str, path: str) -> str | None:
    """The text of a file as of `ref` (a commit hash), or None when it did not exist then."""
    try:
        return git("show", "--end-of-options", f"{ref}:{path}", cwd=root).decode("utf-8", "replace")
    except GitError:
        return None


def export(root: Path, ref: str, folders: list[str], dest: Path) -> None:
    """Write the given folders as they were at `ref` under `dest`."""
    # No --end-of-options here: git archive then reads "--" as a path. The ref is a verified
    # hash, which cannot start with "-".
    data = git("archive", "--format=tar", commit(root, ref), "--", *folders, cwd=root)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        try:
            archive.extractall(dest, filter="data")
        except tarfile.FilterError as exc:  # a committed link that leaves the repository
            raise GitError(
                f"{ref} 中的 {exc.tarinfo.name} 指向仓库以外,无法比较:请删除这个链接。"
            ) from None
