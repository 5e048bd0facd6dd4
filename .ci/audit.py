"""Audit the pinned dependencies (requirements.lock) for known vulnerabilities with pip-audit.

Fails when a pinned version has a known vulnerability. When no advisory data can be had (no
network, or an index that does not serve PyPI's JSON API), it says so loudly and does not fail:
an audit that could not run is reported as skipped, never as passed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / "requirements.lock"


def main() -> int:
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        str(LOCK),
        "--require-hashes",
        "--disable-pip",
        "--format",
        "json",
        "--progress-spinner",
        "off",
    ]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return skipped("pip-audit did not answer within 300 s")
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return skipped((proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"])
    deps = report.get("dependencies", [])
    audited = [d for d in deps if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixes})")
    if vulnerable:
        print(
            f"audit: {len(vulnerable)} of {len(deps)} pinned packages have known vulnerabilities."
        )
        return 1
    if not audited:
        reasons = {d["skip_reason"].split(":")[0] for d in deps}
        return skipped("; ".join(sorted(reasons)) or "nothing to audit")
    print(
        f"audit: {len(audited)} pinned packages checked, no known vulnerabilities"
        f" ({len(deps) - len(audited)} could not be checked)."
    )
    return 0


def skipped(reason: object) -> int:
    line = "!" * 78
    print(
        f"{line}\n! AUDIT SKIPPED: no vulnerability data could be fetched for requirements.lock.\n"
        f"! Reason: {reason}\n! Run `make audit` where PyPI's JSON API is reachable.\n{line}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
