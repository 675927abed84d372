"""List every rule and decision ID of RULES.md with the code that cites it
and the tests whose name or docstring cite it; exit 1 if one has neither.

    .venv/bin/python scripts/rule_coverage.py [--verbose]

A test cites "R8.3" by writing R8.3, R8.3a or, in a name, R8_3a.
"""

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT.parent / "shared" / "regulation" / "RULES.md"
CODE = ROOT / "hotline"

# Rules whose issue has not been built yet, and where they will be.
PENDING: dict[str, str] = {
    "N7": "issue 19 (missed calls)",
    "N8": "issue 19 (call-back survey)",
    "N9": "issue 19 (service levels)",
}

RULE_ID = re.compile(r"\*\*(R\d+(?:\.\d+)?)\s|\*\*([DN]\d+)\s")
CITED = re.compile(r"(?<![A-Za-z0-9])([RDN])(\d+)(?:[._](\d+))?[ab]?(?![0-9])")


def rule_ids(text: str) -> list[str]:
    return list(dict.fromkeys(a or b for a, b in RULE_ID.findall(text)))


def cited(text: str) -> set[str]:
    found = set()
    for letter, major, minor in CITED.findall(text):
        found.add(f"{letter}{major}")
        if minor:
            found.add(f"{letter}{major}.{minor}")
    return found


def tests_by_id() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(CODE.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                text = node.name + " " + (ast.get_docstring(node) or "")
                for rule in cited(text):
                    found.setdefault(rule, []).append(f"{path.relative_to(ROOT)}::{node.name}")
    return found


def code_by_id() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(CODE.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for rule in cited(path.read_text(encoding="utf-8")):
            found.setdefault(rule, []).append(str(path.relative_to(ROOT)))
    return found


def report(verbose: bool = False) -> tuple[list[str], list[str]]:
    ids = rule_ids(RULES.read_text(encoding="utf-8"))
    tests, code = tests_by_id(), code_by_id()
    lines, missing = [], []
    for rule in ids:
        t, c = tests.get(rule, []), sorted(set(code.get(rule, [])))
        if rule in PENDING and not (t and c):
            status = f"pending: {PENDING[rule]}"
        elif t and c:
            status = f"{len(t)} tests, {len(c)} files"
        else:
            status = "MISSING " + ("tests" if not t else "code")
            missing.append(rule)
        lines.append(f"{rule:6} {status}")
        if verbose:
            lines += [f"         test {name}" for name in t] + [f"         code {f}" for f in c]
    return lines, missing


def main() -> int:
    lines, missing = report("--verbose" in sys.argv)
    print("\n".join(lines))
    if missing:
        print(f"\nno test or no code cites: {', '.join(missing)}")
        return 1
    print("\nevery rule is cited by code and tests (pending ones named above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
