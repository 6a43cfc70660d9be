"""WTForms / Flask-WTF forms of the analysed module: which fields' `.data` is safe.

A form built from request data is tainted as a whole; a field is safe when its type converts
the value (`IntegerField`: a number or None, whether or not the form was validated), or when
the form was validated (`form.validate_on_submit()` held) and the field accepts only known
values (`AnyOf([...])`, a `SelectField`'s choices) or text matching an anchored pattern of
harmless characters (`Regexp(r"^[A-Za-z0-9_]{3,20}$")`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache

from aigentflow.review.python.model import pattern_kinds
from aigentflow.review.python.records import class_node
from aigentflow.review.python.values import ALL_KINDS, Val

__all__ = ["VALIDATED", "FormOf", "field_val", "form_of"]

# A pseudo sink kind marking labels of a form whose validators ran and passed.
VALIDATED = frozenset({"<form validated>"})
_CONVERTING = frozenset(
    {
        "IntegerField", "FloatField", "DecimalField", "BooleanField", "DateField", "DateTimeField",
        "TimeField", "IntegerRangeField", "DecimalRangeField", "MonthField",
    }
)  # fmt: skip
_CHOICES = frozenset({"SelectField", "RadioField", "SelectMultipleField"})
_NO_KINDS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FormOf:
    """Marks the value of `SomeForm(...)` for a form class defined in the module."""

    name: str


def form_of(val: Val | None) -> FormOf | None:
    """The form class a value is an instance of, if it is a marked form."""
    if val is None or val.consts is None or len(val.consts) != 1:
        return None
    marker = next(iter(val.consts))
    return marker if isinstance(marker, FormOf) else None


def field_val(text: str, form: FormOf, val: Val, field: str) -> Val:
    """`form.<field>` of a form value: its labels, made safe as far as the field allows."""
    always, validated = _field_kinds(text, form.name).get(field, (_NO_KINDS, _NO_KINDS))
    labels = Val(val.labels)
    kinds = always
    if validated and all(lb.safe >= VALIDATED for lb in val.labels):
        kinds = kinds | validated
    return labels.sanitized(kinds) if kinds else labels


@lru_cache(maxsize=32)
def _field_kinds(text: str, name: str) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Field name -> (kinds safe always, kinds safe once validated) for class `name`."""
    node = class_node(text, name)
    out: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
    for stmt in node.body if node is not None else ():
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)
        ):
            out[stmt.targets[0].id] = _kinds(stmt.value)
    return out


def _kinds(call: ast.Call) -> tuple[frozenset[str], frozenset[str]]:
    func = call.func
    kind = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if kind in _CONVERTING:
        return ALL_KINDS, ALL_KINDS
    validated: frozenset[str] = _NO_KINDS
    if kind in _CHOICES and not any(
        kw.arg == "validate_choice" and isinstance(kw.value, ast.Constant) and kw.value.value is False
        for kw in call.keywords
    ):
        validated = ALL_KINDS
    validators = next((kw.value for kw in call.keywords if kw.arg == "validators"), None)
    if validators is None and len(call.args) > 1:
        validators = call.args[1]
    for check in validators.elts if isinstance(validators, ast.List | ast.Tuple) else ():
        validated = validated | _validator_kinds(check)
    return _NO_KINDS, validated


def _validator_kinds(check: ast.expr) -> frozenset[str]:
    if not isinstance(check, ast.Call):
        return _NO_KINDS
    func = check.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    values = check.args[0] if check.args else None
    if (
        name == "AnyOf"
        and isinstance(values, ast.List | ast.Tuple | ast.Set)
        and all(isinstance(e, ast.Constant) for e in values.elts)
    ):
        return ALL_KINDS
    if name == "Regexp" and check.args and isinstance(check.args[0], ast.Constant):
        return pattern_kinds(check.args[0].value)
    return _NO_KINDS
