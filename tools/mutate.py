"""Mutation testing of the rule code: break one thing at a time and see whether a test notices.

For each target module, every mutation point of its syntax tree becomes one mutant: a comparison
flipped (``<`` ↔ ``<=``, ``==`` ↔ ``!=``, ``in`` ↔ ``not in``, …), ``+`` ↔ ``-``, an integer
constant off by one, ``True`` ↔ ``False``, ``and`` ↔ ``or``, a ``not`` dropped, an ``if``
condition negated, or a statement removed (a call, a ``yield``, ``continue``, ``break``).
Each mutant is written into a scratch copy of the project (the worktree is never touched),
the fast tests that cover the module run against it with a timeout, and the mutant is *killed*
when they fail (or time out) and *survives* when they pass.

    python tools/mutate.py                      # every target, one job
    python tools/mutate.py --jobs 2             # two mutants at a time
    python tools/mutate.py cadence/verify.py    # one module
    python tools/mutate.py --list               # the mutants, without running anything

Prints killed / survived / score and each survivor as ``file:line: what changed``; exit 1 when
the score is below ``--min-score`` (default 90). Survivors judged equivalent (no test can tell
them apart) are listed with the reason in ``docs/mutants.md``.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The module → the fast tests that cover it (the ones to run against each of its mutants).
TARGETS: dict[str, tuple[str, ...]] = {
    "cadence/verify.py": ("tests/test_verify.py", "tests/test_constraints.py"),
    "cadence/solver/constraints/counts.py": ("tests/test_constraints.py", "tests/test_verify.py"),
    "cadence/solver/constraints/precedence.py": (
        "tests/test_constraints.py",
        "tests/test_verify.py",
    ),
    "cadence/solver/constraints/items.py": ("tests/test_constraints.py", "tests/test_verify.py"),
    "cadence/solver/constraints/conflicts.py": (
        "tests/test_constraints.py",
        "tests/test_verify.py",
    ),
    "cadence/export/ics.py": ("tests/test_feeds.py",),
}

FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
SYMBOL = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
    ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not",
}  # fmt: skip


@dataclass(frozen=True)
class Mutant:
    path: str
    index: int
    """The mutation point's number in the module's walk order."""
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _skipped(tree: ast.Module) -> set[int]:
    """Ids of nodes not to mutate: docstrings, annotations, f-string parts, imports."""
    skip: set[int] = set()

    def mark(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                mark(body[0])
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            mark(node.returns)
            for arg in (*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs):
                mark(arg.annotation)
            mark(node.args.vararg)
            mark(node.args.kwarg)
        if isinstance(node, ast.AnnAssign):
            mark(node.annotation)
        if isinstance(node, ast.JoinedStr | ast.Import | ast.ImportFrom):
            mark(node)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            mark(node)  # attribute docstrings
    return skip


def _points(tree: ast.Module) -> Iterator[tuple[ast.AST, str, str]]:
    """Every (node, kind, description) that can be mutated, in a stable order."""
    skip = _skipped(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in FLIPS:
                    new = SYMBOL[FLIPS[type(op)]]
                    yield node, f"cmp{i}", f"`{SYMBOL[type(op)]}` → `{new}`"
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            old, new = ("+", "-") if isinstance(node.op, ast.Add) else ("-", "+")
            yield node, "binop", f"`{old}` → `{new}`"
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            yield node, "int", f"`{node.value}` → `{node.value + 1}`"
        elif isinstance(node, ast.Constant) and type(node.value) is bool:
            yield node, "bool", f"`{node.value}` → `{not node.value}`"
        elif isinstance(node, ast.BoolOp):
            old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
            yield node, "boolop", f"`{old}` → `{new}`"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, "not", "`not` dropped"
        elif isinstance(node, ast.If | ast.While):
            yield node, "negate", "condition negated"
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Yield | ast.YieldFrom):
            yield node, "remove", "`yield` removed"
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            call = ast.unparse(node.value.func)
            yield node, "remove", f"call to `{call}` removed"
        elif isinstance(node, ast.Continue | ast.Break):
            word = "continue" if isinstance(node, ast.Continue) else "break"
            yield node, "remove", f"`{word}` removed"


def mutants(path: str) -> list[Mutant]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return [
        Mutant(path, i, getattr(node, "lineno", 0), what)
        for i, (node, _, what) in enumerate(_points(tree))
    ]


def mutated_source(mutant: Mutant) -> str:
    """The module's source with exactly this one mutation applied."""
    tree = ast.parse((ROOT / mutant.path).read_text(encoding="utf-8"))
    node, kind, _ = list(_points(tree))[mutant.index]
    if kind.startswith("cmp"):
        assert isinstance(node, ast.Compare)
        i = int(kind[3:])
        node.ops[i] = FLIPS[type(node.ops[i])]()
    elif kind == "binop":
        assert isinstance(node, ast.BinOp)
        node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
    elif kind == "int":
        assert isinstance(node, ast.Constant)
        node.value += 1
    elif kind == "bool":
        assert isinstance(node, ast.Constant)
        node.value = not node.value
    elif kind == "boolop":
        assert isinstance(node, ast.BoolOp)
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif kind == "not":
        _replace(tree, node, node.operand)  # type: ignore[attr-defined]
    elif kind == "negate":
        assert isinstance(node, ast.If | ast.While)
        node.test = ast.UnaryOp(op=ast.Not(), operand=copy.deepcopy(node.test))
    elif kind == "remove":
        _replace(tree, node, ast.Pass())
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> None:
    """Put ``new`` where ``old`` is in the tree."""
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list) and any(item is old for item in value):
                value[:] = [new if item is old else item for item in value]
                return
    raise ValueError("node not found")


def scratch_copy() -> Path:
    """A copy of the package, tests and settings to mutate, away from the worktree."""
    where = Path(tempfile.mkdtemp(prefix="cadence-mutate-"))
    for name in ("cadence", "tests", "scenarios"):
        shutil.copytree(ROOT / name, where / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", where / "pyproject.toml")
    return where


def run_tests(where: Path, tests: tuple[str, ...], timeout: float) -> str:
    """``passed``, ``failed`` or ``timeout`` for the tests in the scratch copy."""
    env = {**os.environ, "PYTHONPATH": str(where), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    try:
        done = subprocess.run(
            command, cwd=where, env=env, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return "timeout"
    return "passed" if done.returncode == 0 else "failed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="target modules (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--min-score", type=float, default=90.0)
    parser.add_argument("--timeout-factor", type=float, default=3.0)
    args = parser.parse_args()
    paths = args.paths or list(TARGETS)
    unknown = [p for p in paths if p not in TARGETS]
    if unknown:
        parser.error(f"not a target: {', '.join(unknown)} (targets: {', '.join(TARGETS)})")
    everything = [m for path in paths for m in mutants(path)]
    if args.list:
        for mutant in everything:
            print(mutant)
        print(f"{len(everything)} mutants")
        return 0

    # A terminated run still removes its scratch copies (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    copies = [scratch_copy() for _ in range(max(1, args.jobs))]
    try:
        limits = {}
        for path in paths:
            started = time.perf_counter()
            if run_tests(copies[0], TARGETS[path], 3600) != "passed":
                print(f"the tests for {path} fail before any mutation: fix them first")
                return 2
            spent = time.perf_counter() - started
            limits[path] = max(15.0, args.timeout_factor * spent)
            print(f"{path}: {len([m for m in everything if m.path == path])} mutants, "
                  f"tests {spent:.0f} s, timeout {limits[path]:.0f} s", flush=True)  # fmt: skip
        free = list(copies)
        outcome: dict[Mutant, str] = {}

        def test(mutant: Mutant) -> None:
            where = free.pop()
            target = where / mutant.path
            original = target.read_text(encoding="utf-8")
            try:
                target.write_text(mutated_source(mutant), encoding="utf-8")
                result = run_tests(where, TARGETS[mutant.path], limits[mutant.path])
            finally:
                target.write_text(original, encoding="utf-8")
                free.append(where)
            outcome[mutant] = result
            mark = {"failed": "killed", "timeout": "killed (timeout)", "passed": "SURVIVED"}
            print(f"[{len(outcome)}/{len(everything)}] {mark[result]:16} {mutant}", flush=True)

        with ThreadPoolExecutor(max_workers=len(copies)) as pool:
            list(pool.map(test, everything))
    finally:
        for where in copies:
            shutil.rmtree(where, ignore_errors=True)

    survivors = [m for m in everything if outcome[m] == "passed"]
    killed = len(everything) - len(survivors)
    score = 100.0 * killed / len(everything) if everything else 100.0
    print()
    for path in paths:
        mine = [m for m in everything if m.path == path]
        alive = [m for m in mine if m in survivors]
        print(f"{path}: {len(mine) - len(alive)}/{len(mine)} killed")
    print(f"\nkilled {killed}, survived {len(survivors)}, score {score:.1f} %")
    for mutant in survivors:
        print(f"  survived: {mutant}")
    return 0 if score >= args.min_score else 1


if __name__ == "__main__":
    sys.exit(main())
