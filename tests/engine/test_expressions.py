"""Rule expressions are compiled once into closures (speed); they must mean exactly what the knowledge
base says: three-valued (Kleene) logic, `unless` satisfied unless known present. The reference below
is the definition written out plainly, one operator at a time."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from spinepath.engine import differential, forget_remembered_results, get_knowledge
from spinepath.engine.expressions import Expr, parse

NAMES = ("a", "b", "c", "d")
VALUE = st.sampled_from([True, False, None])


def reference(expr: Expr, findings: dict[str, bool]) -> bool | None:
    if expr.op == "finding":
        return findings.get(expr.finding)
    values = [reference(arg, findings) for arg in expr.args]
    if expr.op == "all":
        return False if False in values else (None if None in values else True)
    if expr.op == "any":
        return True if True in values else (None if None in values else False)
    if expr.op == "not":
        return None if values[0] is None else not values[0]
    if expr.op == "unless":
        return values[0] is not True
    assert expr.op == "at_least"
    present, unknown = values.count(True), values.count(None)
    return True if present >= expr.n else (None if present + unknown >= expr.n else False)


raw_expressions = st.recursive(
    st.sampled_from(NAMES),
    lambda inner: st.one_of(
        st.builds(lambda items: {"all": items}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda items: {"any": items}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda item: {"not": item}, inner),
        st.builds(lambda item: {"unless": item}, inner),
        st.builds(
            lambda items, n: {"at_least": {"n": n, "of": items}},
            st.lists(inner, min_size=1, max_size=4),
            st.integers(min_value=1, max_value=4),
        ),
    ),
    max_leaves=8,
)
findings_maps = st.fixed_dictionaries({name: VALUE for name in NAMES}).map(
    lambda values: {name: value for name, value in values.items() if value is not None}
)


@given(raw=raw_expressions, findings=findings_maps)
def test_compiled_expressions_follow_three_valued_logic(raw: object, findings: dict[str, bool]) -> None:
    expr = parse(raw)
    assert expr.evaluate(findings) == reference(expr, findings)
    assert expr.leaf_set == frozenset(expr.leaves())


def test_a_skipped_reassuring_answer_still_fires_unless() -> None:
    assert parse({"unless": "no_trauma"}).evaluate({}) is True
    assert parse({"unless": "no_trauma"}).evaluate({"no_trauma": True}) is False
    assert parse({"all": ["a", {"unless": "b"}]}).evaluate({"a": True}) is True


@given(data=st.data())
def test_remembered_scores_equal_fresh_ones(data: st.DataObject) -> None:
    """The score memo (differential._SCORES) gives what scoring afresh gives, whatever is known."""
    kb = get_knowledge()
    condition = data.draw(st.sampled_from(kb.conditions))
    findings = {
        item.finding: value
        for item in condition.evidence
        if (value := data.draw(VALUE, label=item.finding)) is not None
    }
    first = differential.score(condition, findings)
    again = differential.score(condition, dict(findings))
    forget_remembered_results()
    assert (
        first == again == differential.score(condition, findings) == differential._score(condition, findings)
    )
    # A finding the condition does not use leaves its score (and the memo key) alone.
    assert differential.score(condition, {**findings, "not_a_finding_of_it": True}) == first
