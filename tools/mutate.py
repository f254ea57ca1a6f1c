"""Mutation testing of the rule code: break one thing at a time and see whether a test notices.

For each target module, every mutation point of its syntax tree becomes one mutant: a comparison
flipped (``<`` ↔ ``<=``, ``==`` ↔ ``!=``, ``in`` ↔ ``not in``, …), ``+`` ↔ ``-``, an integer
constant off by one, ``True`` ↔ ``False``, ``and`` ↔ ``or``, a ``not`` dropped, an ``if``
condition negated, or a statement removed (a call, a ``yield``, ``continue``, ``break``).
Each mutant lives only in memory: a fork of this process (which imported everything once)
swaps the mutated code into the module and runs the fast tests that cover it with a timeout;
the mutant is *killed* when they fail (or time out) and *survives* when they pass. No file is
written, so the worktree stays as it is whatever happens.

    python tools/mutate.py                      # every target, one job
    python tools/mutate.py --jobs 2             # two mutants at a time
    python tools/mutate.py cadence/verify.py    # one module
    python tools/mutate.py --list               # the mutants, without running anything

Prints killed / survived / score and each survivor as ``file:line: what changed``. Survivors
judged equivalent (no test can tell them apart) are listed with the reason in
``docs/mutants.md``, each as ``path :: code of the line :: change``; the score is printed with
and without them, and the run exits 1 when the score without them is below ``--min-score``
(default 90). A survivor that is not listed is printed with the line to list it by.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib
import os
import signal
import sys
import time
import types
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The module → the fast tests that cover it (the ones to run against each of its mutants).
_RULES = ("tests/test_constraints.py", "tests/test_verify.py", "tests/test_rules.py")
TARGETS: dict[str, tuple[str, ...]] = {
    "cadence/verify.py": ("tests/test_verify.py", "tests/test_constraints.py",
                          "tests/test_rules.py"),
    "cadence/solver/constraints/counts.py": _RULES,
    "cadence/solver/constraints/precedence.py": _RULES,
    "cadence/solver/constraints/items.py": _RULES,
    "cadence/solver/constraints/conflicts.py": _RULES,
    "cadence/export/ics.py": (
        "tests/test_feeds.py", "tests/test_vtimezone.py", "tests/test_coordinator.py",
    ),
}  # fmt: skip

PRELOAD = (
    "cadence.cli", "cadence.planning", "cadence.replan", "cadence.export", "cadence.export.table",
    "cadence.verify", "icalendar", "vobject", "hypothesis", "pandas",
)  # fmt: skip

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

    @property
    def key(self) -> str:
        """How docs/mutants.md names it: path, the line's code and the change (no line number,
        which moves whenever the code above it does)."""
        code = source(self.path).splitlines()[self.line - 1].strip()
        return f"{self.path} :: {code} :: {self.what}"


EQUIVALENT = ROOT / "docs" / "mutants.md"


def equivalent() -> set[str]:
    """The mutants docs/mutants.md lists as equivalent: its lines of the form
    ``path :: code :: change``."""
    if not EQUIVALENT.exists():
        return set()
    lines = EQUIVALENT.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.count(" :: ") == 2}


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


SOURCES: dict[str, str] = {}
"""Each target's source as it was when the run began: edits during a run change nothing."""


def source(path: str) -> str:
    if path not in SOURCES:
        SOURCES[path] = (ROOT / path).read_text(encoding="utf-8")
    return SOURCES[path]


def mutants(path: str) -> list[Mutant]:
    tree = ast.parse(source(path))
    return [
        Mutant(path, i, getattr(node, "lineno", 0), what)
        for i, (node, _, what) in enumerate(_points(tree))
    ]


def mutated_source(mutant: Mutant) -> str:
    """The module's source with exactly this one mutation applied."""
    tree = ast.parse(source(mutant.path))
    node, kind, _ = list(_points(tree))[mutant.index]
    if kind.startswith("cmp"):
        assert isinstance(node, ast.Compare)
        i = int(kind[3:])
        node.ops[i] = FLIPS[type(node.ops[i])]()
    elif kind == "binop":
        assert isinstance(node, ast.BinOp)
        node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
    elif kind == "int":
        assert isinstance(node, ast.Constant) and isinstance(node.value, int)
        node.value = node.value + 1
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


def apply(mutant: Mutant) -> None:
    """Put the mutant into the running interpreter: the module's names are rebound to the
    mutated code, and every function object already imported elsewhere (``from m import f``)
    gets the mutated body too."""
    name = mutant.path.removesuffix(".py").replace("/", ".")
    module = importlib.import_module(name)
    old = dict(_functions(module.__dict__, module.__name__))
    code = compile(mutated_source(mutant), str(ROOT / mutant.path), "exec")
    exec(code, module.__dict__)  # the module's own source, mutated
    for qualname, new in _functions(module.__dict__, module.__name__):
        before = old.get(qualname)
        same_closure = before is not None and (
            len(before.__code__.co_freevars) == len(new.__code__.co_freevars)
        )
        if before is not None and before is not new and same_closure:
            before.__code__ = new.__code__
            before.__defaults__ = new.__defaults__


def _functions(namespace: dict, module: str) -> Iterator[tuple[str, types.FunctionType]]:
    """The module's own functions and methods of its own classes, by qualified name."""
    for value in list(namespace.values()):
        if isinstance(value, types.FunctionType) and value.__module__ == module:
            yield value.__qualname__, value
        elif isinstance(value, type) and value.__module__ == module:
            for attribute in vars(value).values():
                function = getattr(attribute, "__func__", attribute)
                if isinstance(attribute, property):
                    function = attribute.fget
                if isinstance(function, types.FunctionType):
                    yield function.__qualname__, function


def start_tests(mutant: Mutant | None, tests: tuple[str, ...]) -> int:
    """Fork this process (which has imported everything once already); the child applies
    ``mutant``, runs ``tests`` quietly and exits with pytest's code. Returns the child's pid."""
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            os.chdir(ROOT)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            if mutant is not None:
                apply(mutant)
            code = int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", *tests]))
        finally:
            os._exit(code)
    return pid


def run_all(
    jobs: Sequence[tuple[Mutant | None, tuple[str, ...], float]],
    parallel: int,
    report: Callable[[Mutant | None, str], None],
) -> None:
    """Run every (mutant, tests, timeout) job, ``parallel`` at a time, one thread: each result
    is ``passed``, ``failed`` or ``timeout``."""
    waiting = list(jobs)
    running: dict[int, tuple[Mutant | None, float]] = {}

    def stop(*_: object) -> None:  # a stopped run leaves no test run behind
        for pid in running:
            os.kill(pid, signal.SIGKILL)
        sys.exit(143)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while waiting or running:
        while waiting and len(running) < parallel:
            mutant, tests, timeout = waiting.pop(0)
            running[start_tests(mutant, tests)] = (mutant, time.monotonic() + timeout)
        time.sleep(0.05)
        for pid, (mutant, deadline) in list(running.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                del running[pid]
                report(mutant, "passed" if os.waitstatus_to_exitcode(status) == 0 else "failed")
            elif time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                del running[pid]
                report(mutant, "timeout")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="target modules (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--min-score", type=float, default=90.0)
    parser.add_argument("--timeout-factor", type=float, default=3.0)
    parser.add_argument(
        "--summarise", metavar="LOG", type=Path,
        help="no run: summarise the output of an earlier run again (after editing docs/mutants.md)",
    )  # fmt: skip
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
    outcome: dict[Mutant, str] = {}
    if args.summarise:
        by_name: dict[str, list[Mutant]] = {}
        for mutant in everything:  # one line may hold the same change twice: same name
            by_name.setdefault(str(mutant), []).append(mutant)
        for line in args.summarise.read_text(encoding="utf-8").splitlines():
            if line.startswith("[") and "] " in line:
                mark, name = line.split("] ", 1)[1][:16].strip(), line.split("] ", 1)[1][17:]
                if by_name.get(name):
                    outcome[by_name[name].pop(0)] = "passed" if mark == "SURVIVED" else "failed"
        everything = [m for m in everything if m in outcome]
        return summary(everything, outcome, paths, args.min_score)

    sys.path.insert(0, str(ROOT))
    for heavy in PRELOAD:  # imported once here, shared by every forked test run
        importlib.import_module(heavy)
    limits = {}
    for path in paths:
        started = time.perf_counter()
        baseline: list[str] = []

        def unmutated(_: Mutant | None, result: str, into: list[str] = baseline) -> None:
            into.append(result)

        run_all([(None, TARGETS[path], 3600.0)], 1, unmutated)
        if baseline != ["passed"]:
            print(f"the tests for {path} fail before any mutation: fix them first")
            return 2
        spent = time.perf_counter() - started
        limits[path] = max(15.0, args.timeout_factor * spent)
        count = len([m for m in everything if m.path == path])
        print(f"{path}: {count} mutants, tests {spent:.0f} s, timeout {limits[path]:.0f} s",
              flush=True)  # fmt: skip

    def report(mutant: Mutant | None, result: str) -> None:
        assert mutant is not None
        outcome[mutant] = result
        mark = {"failed": "killed", "timeout": "killed (timeout)", "passed": "SURVIVED"}
        print(f"[{len(outcome)}/{len(everything)}] {mark[result]:16} {mutant}", flush=True)

    jobs = [(m, TARGETS[m.path], limits[m.path]) for m in everything]
    run_all(jobs, max(1, args.jobs), report)
    return summary(everything, outcome, paths, args.min_score)


def summary(
    everything: list[Mutant], outcome: dict[Mutant, str], paths: list[str], min_score: float
) -> int:
    """Print killed, survived and the scores; 1 when the score without equivalents is low."""
    survivors = [m for m in everything if outcome[m] == "passed"]
    listed = equivalent()
    explained = [m for m in survivors if m.key in listed]
    unexplained = [m for m in survivors if m.key not in listed]
    killed = len(everything) - len(survivors)
    print()
    for path in paths:
        mine = [m for m in everything if m.path == path]
        alive = [m for m in mine if m in survivors]
        print(f"{path}: {len(mine) - len(alive)}/{len(mine)} killed")
    score = 100.0 * killed / len(everything) if everything else 100.0
    judged = len(everything) - len(explained)
    adjusted = 100.0 * killed / judged if judged else 100.0
    print(f"\nkilled {killed}, survived {len(survivors)} of {len(everything)}: {score:.1f} %")
    print(f"{len(explained)} survivors are listed as equivalent in docs/mutants.md; without them "
          f"{killed}/{judged} killed: {adjusted:.1f} %")  # fmt: skip
    for mutant in explained:
        print(f"  equivalent: {mutant}")
    for mutant in unexplained:
        print(f"  survived:   {mutant}    [{mutant.key}]")
    return 0 if adjusted >= min_score else 1


if __name__ == "__main__":
    sys.exit(main())
