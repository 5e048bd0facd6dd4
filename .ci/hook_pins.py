"""Pin the pre-commit hook's environment to requirements.lock.

pre-commit installs a hook repository with `pip install .` and the hook's
`additional_dependencies`; it never reads a lock file. So the hook lists, as
`additional_dependencies`, every package `handbook validate` needs (the project's own
dependencies, without the `site` and `test` extras, and theirs in turn) at the version
requirements.lock pins. This script computes that list from the lock and the installed
metadata and writes it into .pre-commit-hooks.yaml (`make lock` runs it); with --check it only
says whether the file is current (the test suite runs that).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
HOOKS = REPO / ".pre-commit-hooks.yaml"
BEGIN = "  # pins: written by .ci/hook_pins.py from requirements.lock; do not edit by hand\n"
END = "  # end of pins\n"


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def locked() -> dict[str, str]:
    """Every package requirements.lock pins, by normalised name."""
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    return {_name(m[1]): m[2] for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", lock, re.M)}


def closure() -> list[str]:
    """The project's own dependencies and theirs, for this Python (markers evaluated)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    todo = [Requirement(text) for text in project["dependencies"]]
    seen: set[str] = set()
    while todo:
        requirement = todo.pop()
        name = _name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        for text in metadata.requires(requirement.name) or ():
            sub = Requirement(text)
            if sub.marker is None or sub.marker.evaluate({"extra": ""}):
                todo.append(sub)
    return sorted(seen)


def block() -> str:
    pins = locked()
    missing = [name for name in closure() if name not in pins]
    if missing:
        sys.exit(f"hook_pins: not in requirements.lock: {', '.join(missing)}")
    lines = [f"    - {name}=={pins[name]}\n" for name in closure()]
    return BEGIN + "  additional_dependencies:\n" + "".join(lines) + END


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only say whether the pins are current"
    )
    args = parser.parse_args()
    text = HOOKS.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    wanted = text[:start] + block() + text[end:]
    if args.check:
        if wanted != text:
            print(
                "hook_pins: .pre-commit-hooks.yaml is not pinned to requirements.lock;"
                " run: .venv/bin/python .ci/hook_pins.py",
                file=sys.stderr,
            )
            return 1
        return 0
    HOOKS.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
