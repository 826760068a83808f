"""Boolean expressions over findings, as written in the knowledge base.

A finding is present (True), absent (False) or unknown (missing). Evaluation is three-valued
(Kleene logic): an expression is *satisfied* only when it is certainly True, so an unanswered
question never fires a rule by accident. `unless` is the one deliberate exception: it is
satisfied unless the finding is known to be present, so that a safety rule still fires when the
reassuring answer was never given.

Forms: "finding_id" | {all: [...]} | {any: [...]} | {not: expr} | {unless: expr}
       | {at_least: {n: 2, of: [...]}}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

Findings = Mapping[str, bool]


@dataclass(frozen=True)
class Expr:
    op: str
    finding: str = ""
    args: tuple[Expr, ...] = ()
    n: int = 0

    def evaluate(self, findings: Findings) -> bool | None:
        return self._compiled(findings)

    @cached_property
    def _compiled(self) -> Callable[[Findings], bool | None]:
        # Built once per expression: rules are evaluated many times per assessment and interview step,
        # and a closure avoids walking the tree and dispatching on the operator each time.
        return _compile(self)

    @cached_property
    def leaf_set(self) -> frozenset[str]:
        """The findings this expression reads."""
        return frozenset(self.leaves())

    def satisfied(self, findings: Findings) -> bool:
        return self.evaluate(findings) is True

    def could_be_satisfied(self, findings: Findings, free: frozenset[str]) -> bool:
        """Whether some values of the `free` findings make this certainly true, the other unknown
        findings staying unknown. Each occurrence of a free finding is chosen on its own, so this can
        say yes where no single choice would: it errs towards "could", never towards "could not"."""
        return True in self._outcomes(findings, free)

    def _outcomes(self, findings: Findings, free: frozenset[str]) -> frozenset[bool | None]:
        op = self.op
        if op == "finding":
            if self.finding in free:
                return frozenset({True, False})
            return frozenset({findings.get(self.finding)})
        if op == "not":
            return frozenset(None if v is None else not v for v in self.args[0]._outcomes(findings, free))
        if op == "unless":
            return frozenset(v is not True for v in self.args[0]._outcomes(findings, free))
        if op in {"all", "any"}:
            combine = _and if op == "all" else _or
            acc: frozenset[bool | None] = frozenset({op == "all"})
            for arg in self.args:
                child = arg._outcomes(findings, free)
                acc = frozenset(combine(a, b) for a in acc for b in child)
            return acc
        if op == "at_least":
            counts = {(0, 0)}
            for arg in self.args:
                child = arg._outcomes(findings, free)
                counts = {(p + (v is True), u + (v is None)) for p, u in counts for v in child}
            return frozenset(True if p >= self.n else None if p + u >= self.n else False for p, u in counts)
        raise AssertionError(f"unknown operator {op}")

    def leaves(self) -> Iterator[str]:
        if self.op == "finding":
            yield self.finding
        for arg in self.args:
            yield from arg.leaves()

    def supporting(self, findings: Findings, *, negated: bool = False) -> Iterator[tuple[str, bool]]:
        """The (finding, present) pairs that made this expression true: the 'because' of a rule."""
        if self.op == "finding":
            value = findings.get(self.finding)
            if value is not None and value is (not negated):
                yield self.finding, value
            return
        if self.op == "not":
            yield from self.args[0].supporting(findings, negated=not negated)
            return
        if self.op == "unless":
            return
        for arg in self.args:
            if self.op in {"any", "at_least"} and not arg.satisfied(findings) and not negated:
                continue
            yield from arg.supporting(findings, negated=negated)


def _compile(expr: Expr) -> Callable[[Findings], bool | None]:
    """A function computing `expr` in three-valued (Kleene) logic: see the module docstring."""
    op = expr.op
    if op == "finding":
        name = expr.finding
        return lambda findings: findings.get(name)
    parts = tuple(arg._compiled for arg in expr.args)
    if op in {"all", "any"}:
        decisive = op == "any"  # a False decides `all`, a True decides `any`

        def either(findings: Findings) -> bool | None:
            unknown = False
            for part in parts:
                value = part(findings)
                if value is decisive:
                    return decisive
                if value is None:
                    unknown = True
            return None if unknown else not decisive

        return either
    if op == "not":
        (inner,) = parts

        def negation(findings: Findings) -> bool | None:
            value = inner(findings)
            return None if value is None else not value

        return negation
    if op == "unless":
        (inner,) = parts
        return lambda findings: inner(findings) is not True
    if op == "at_least":
        n = expr.n

        def at_least(findings: Findings) -> bool | None:
            present = unknown = 0
            for part in parts:
                value = part(findings)
                if value is True:
                    present += 1
                elif value is None:
                    unknown += 1
            if present >= n:
                return True
            return None if present + unknown >= n else False

        return at_least
    raise AssertionError(f"unknown operator {op}")


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


class ExpressionError(ValueError):
    pass


def parse(raw: Any) -> Expr:
    """Parse the YAML form into an Expr, or raise ExpressionError saying what is wrong."""
    if isinstance(raw, str):
        return Expr("finding", finding=raw)
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ExpressionError(f"expected a finding id or a one-key mapping, got {raw!r}")
    ((op, body),) = raw.items()
    if op in {"all", "any"}:
        if not isinstance(body, list) or not body:
            raise ExpressionError(f"'{op}' needs a non-empty list")
        return Expr(op, args=tuple(parse(item) for item in body))
    if op in {"not", "unless"}:
        return Expr(op, args=(parse(body),))
    if op == "at_least":
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("n"), int)
            or not isinstance(body.get("of"), list)
        ):
            raise ExpressionError("'at_least' needs {n: <int>, of: [...]}")
        return Expr("at_least", n=body["n"], args=tuple(parse(item) for item in body["of"]))
    raise ExpressionError(f"unknown operator '{op}'")
