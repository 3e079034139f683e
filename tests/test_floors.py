"""The house has floors (README, "A picture of the house"): a module uses only its own floor and the
floors below it, and nothing imports in a circle. Every import statement of gateway/, registry/,
mailbox/ and vntext/ counts, wherever it stands: at the top, inside a function (a lazy import), or
under TYPE_CHECKING. Read from the source with ast, nothing imported. A new module gets its floor in
FLOORS."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {"gateway": ROOT / "gateway", "registry": ROOT / "registry", "qlvb_mailbox": ROOT / "mailbox",
           "vntext": ROOT / "vntext"}

# From the bottom; a module belongs to the floor of the longest prefix naming it.
FLOORS: list[tuple[str, tuple[str, ...]]] = [
    ("plain data and rules", ("vntext", "gateway.fonts", "gateway.config", "gateway.model", "gateway.reasons", "gateway.names",
                              "gateway.directory", "gateway.resolver", "gateway.reading", "gateway.decision",
                              "gateway.passing_rules", "gateway.page_images", "gateway.mupdf_store", "gateway.trust_files",
                              "gateway.text_files", "gateway.compiled_templates")),
    ("the register and the mail adapters", ("registry", "qlvb_mailbox")),
    ("the exchange between gateways", ("gateway.exchange",)),
    ("intake and outgoing", ("gateway.intake", "gateway.outgoing", "gateway.app", "gateway.workers", "gateway.guard",
                             "gateway.mail_budget", "gateway.mail_lock", "gateway.worker_server")),
    ("the daemon and the commands", ("gateway.daemon", "gateway.sources", "gateway.mailbox_state", "gateway.mailbox_lease",
                                     "gateway.outbox",
                                     "gateway.review", "gateway.digest", "gateway.passing",
                                     "gateway.metrics", "gateway.listener", "gateway.crls", "gateway.demo",
                                     "gateway.mailboxes", "gateway.monitoring", "gateway.cli_format",
                                     "gateway.printed_register", "gateway.register_sheet", "gateway.dropped_mail")),
    ("the desk", ("gateway.web",)),
    ("the CLI", ("gateway.cli",)),
]


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package, folder in SOURCES.items():
        for path in sorted(folder.rglob("*.py")):
            parts = [package, *path.relative_to(folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()
PACKAGES = {name for name, path in MODULES.items() if path.name == "__init__.py"} | {
    name.rpartition(".")[0] for name in MODULES if "." in name}


def _ours(name: str) -> str | None:
    """The module of ours an imported name is, or is in ('gateway.reading.layout.Line' -> its module)."""
    while name and name not in MODULES and name not in PACKAGES:
        name = name.rpartition(".")[0]
    return name or None


def _imported(module: str, source: str | None = None) -> Iterator[tuple[str, int]]:
    """Every module of ours this module imports, and the line, wherever the statement stands."""
    path = MODULES[module]
    here = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8") if source is None else source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*here[:len(here) - node.level + 1], *([node.module] if node.module else [])])
            names = [f"{base}.{alias.name}" for alias in node.names]  # a module, or a name in `base`
        else:
            continue
        for target in {t for n in names if (t := _ours(n)) and t != module}:
            yield target, node.lineno


IMPORTS: dict[str, dict[str, int]] = {m: dict(_imported(m)) for m in MODULES}


def _package(module: str) -> str:
    """The package a module is in (a package's own __init__ is the package)."""
    path = MODULES.get(module)
    return module if path is None or path.name == "__init__.py" else module.rpartition(".")[0] or module


def _within(inner: str, outer: str) -> bool:
    return inner == outer or inner.startswith(outer + ".")


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _where(module: str, target: str) -> str:
    return f"{MODULES[module].relative_to(ROOT)}:{IMPORTS[module][target]} imports {target}"


def _floor(module: str) -> int | None:
    best: tuple[int, int] | None = None
    for number, (_, prefixes) in enumerate(FLOORS):
        for prefix in prefixes:
            if _within(module, prefix) and (best is None or len(prefix) > best[1]):
                best = (number, len(prefix))
    return best[0] if best else None


def test_the_walk_sees_every_import_wherever_it_stands() -> None:
    source = """
from typing import TYPE_CHECKING
import gateway.model
from gateway.reading.lines import Line
from . import mime
if TYPE_CHECKING:
    from gateway.app import Gateway
def later():
    from gateway.exchange.recall import receive_recall
    import registry.audit
"""
    assert dict(_imported("gateway.intake.pipeline", source)) == {
        "gateway.model": 3, "gateway.reading.lines": 4, "gateway.intake.mime": 5, "gateway.app": 7,
        "gateway.exchange.recall": 9, "registry.audit": 10}


def test_no_module_imports_itself_in_a_circle() -> None:
    cycles = _cycles({m: set(t) for m, t in IMPORTS.items()})
    assert not cycles, "\n".join(
        " ↔ ".join(c) + ":\n  " + "\n  ".join(_where(m, t) for m in c for t in IMPORTS[m] if t in c) for c in cycles)


def test_no_package_imports_itself_in_a_circle() -> None:
    """Between packages; a package and the packages inside it aside (gateway's own modules open the
    register intake records into, and intake uses them)."""
    graph: dict[str, set[str]] = {}
    why: dict[tuple[str, str], str] = {}
    for module, targets in IMPORTS.items():
        here = _package(module)
        for target in targets:
            there = _package(target)
            if _within(here, there) or _within(there, here):
                continue
            graph.setdefault(here, set()).add(there)
            why.setdefault((here, there), _where(module, target))
    cycles = _cycles(graph)
    assert not cycles, "\n".join(
        " ↔ ".join(c) + ":\n  " + "\n  ".join(why[a, b] for a in c for b in graph.get(a, ()) if b in c) for c in cycles)


def test_every_module_has_a_floor() -> None:
    assert [m for m in MODULES if _floor(m) is None] == [], "name its floor in FLOORS"


def test_a_floor_uses_only_the_floors_below_it() -> None:
    wrong = [f"{_where(m, t)} ({FLOORS[_floor(t) or 0][0]}, above {FLOORS[_floor(m) or 0][0]})"
             for m, targets in IMPORTS.items() for t in targets if (_floor(t) or 0) > (_floor(m) or 0)]
    assert wrong == []


@pytest.mark.parametrize("lower", ["registry", "qlvb_mailbox"])
def test_the_register_and_the_mail_adapters_import_nothing_of_gateway(lower: str) -> None:
    wrong = [_where(m, t) for m, targets in IMPORTS.items() if _within(m, lower)
             for t in targets if _within(t, "gateway")]
    assert wrong == []


@pytest.mark.parametrize("one, other", [("gateway.intake", "gateway.outgoing"), ("gateway.outgoing", "gateway.intake"),
                                        ("gateway.exchange", "gateway.intake"), ("gateway.exchange", "gateway.outgoing")])
def test_intake_and_outgoing_meet_only_in_the_exchange(one: str, other: str) -> None:
    wrong = [_where(m, t) for m, targets in IMPORTS.items() if _within(m, one) for t in targets if _within(t, other)]
    assert wrong == []


def _reach(graph: dict[str, dict[str, int]], start: str) -> dict[str, list[str]]:
    """Every module of ours that loading the modules in `start` loads: what they import, what those
    import, and so on, with the packages' __init__ around each module loaded; each with the chain of
    imports that first got there."""
    def loaded(module: str) -> list[str]:
        parts = module.split(".")
        return [p for i in range(1, len(parts)) if (p := ".".join(parts[:i])) in MODULES] + [module]

    chains = {m: [m] for m in sorted(graph) if _within(m, start)}
    todo = list(chains)
    while todo:
        module = todo.pop(0)
        for target in sorted(graph.get(module, ())):
            for found in loaded(target):
                if found not in chains:
                    chains[found] = [*chains[module], found]
                    todo.append(found)
    return chains


def test_the_reach_follows_imports_through_every_module() -> None:
    graph = {"gateway.outgoing.send": {"gateway.app": 1}, "gateway.app": {"gateway.exchange.answers": 1},
             "gateway.exchange.answers": {"registry.audit": 1}}
    reached = _reach(graph, "gateway.outgoing")
    assert reached["registry.audit"] == ["gateway.outgoing.send", "gateway.app", "gateway.exchange.answers",
                                         "registry.audit"]
    assert reached["gateway.exchange"] == ["gateway.outgoing.send", "gateway.app", "gateway.exchange"]  # its __init__
    assert "gateway.outgoing.send" not in _reach(graph, "gateway.app")


@pytest.mark.parametrize("one, other", [("gateway.outgoing", "gateway.intake"), ("gateway.intake", "gateway.outgoing")])
def test_intake_and_outgoing_never_reach_each_other_through_any_module(one: str, other: str) -> None:
    """Not through the opened gateway (gateway.app) nor the worker pool, which import intake: outgoing
    takes them as protocols (gateway.outgoing.send.Sending, PdfReader)."""
    wrong = [" → ".join(chain) for module, chain in _reach(IMPORTS, one).items() if _within(module, other)]
    assert wrong == []
