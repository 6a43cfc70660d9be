"""Calls into the analysed module's own code: its functions, methods called on `self`/`cls`,
on instances of its classes and on the classes themselves, and its record types.

Each `*_call` function is one step of `calls.evaluate_call` (`name`: the call's qualified
name): the call's value when the step applies (a summary applied, an instance made), None to
let the next step try.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from aigentflow.review.lineheads import heads_of_lines
from aigentflow.review.python import records
from aigentflow.review.python.containers import labels_of
from aigentflow.review.python.context import CallSite
from aigentflow.review.python.values import Val

if TYPE_CHECKING:
    from aigentflow.review.python.taint import FunctionInterp

__all__ = [
    "INSTANCE",
    "class_method_call",
    "instance_method_call",
    "is_instance",
    "module_classes",
    "module_function_call",
    "new_instance_call",
    "record_call",
    "self_method_call",
]

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef
_CLASS = re.compile(r"class[ \t]+(\w+)")
# The constant that marks an instance of a class defined in the analysed module.
INSTANCE = "<instance of a module class>"


@lru_cache(maxsize=8)
def module_classes(text: str) -> frozenset[str]:
    """Names of the classes a module defines at its top level (found in the text, so that no
    class body needs parsing)."""
    if "class" not in text:
        return frozenset()
    return frozenset(match.group(1) for match, indent in heads_of_lines(text, _CLASS) if not indent)


def is_instance(val: Val) -> bool:
    """Whether `val` is an instance of a class of the analysed module."""
    return val.consts is not None and INSTANCE in val.consts


def module_function_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    """`helper(x)`: a function of the module, through its summary."""
    func = call.node.func
    if not (
        it.allow_summaries
        and isinstance(func, ast.Name)
        and func.id in it.ctx.functions
        and func.id not in it.env
    ):
        return None
    return it.call_module_function(func.id, call.node, call.args, call.kwargs, 0)


def record_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    """A namedtuple type, or an instance of a record type (namedtuple, dataclass, NamedTuple)."""
    func = call.node.func
    if not isinstance(func, ast.Name):
        return records.record_type(name, call.args) if name.endswith("namedtuple") else None
    held = it.env.get(func.id) or it.ctx.globals.get(func.id)
    kind = held.value if held is not None and held.known else None
    if kind is None and func.id not in it.env and func.id in module_classes(it.ctx.text):
        kind = records.record_type_of_class(it.ctx.text, func.id)
    if isinstance(kind, records.RecordType):
        return records.new_record(kind, call.args, call.kwargs)
    return records.record_type(name, call.args) if name.endswith("namedtuple") else None


def self_method_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    """`self.helper(x)` / `cls.helper(x)`: a method of the module, the receiver first."""
    func, meth = call.node.func, call.meth
    if not (
        it.allow_summaries
        and meth is not None
        and isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in {"self", "cls"}
        and meth in it.ctx.functions
    ):
        return None
    return it.call_module_function(meth, call.node, [call.recv or Val(), *call.args], call.kwargs, 0)


def instance_method_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    """`repo.by_name(x)` on an instance of a module class: the method, the instance as `self`."""
    meth, recv = call.meth, call.recv
    if not (
        it.allow_summaries
        and meth is not None
        and recv is not None
        and is_instance(recv)
        and meth in it.ctx.functions
        and _takes_self(it.ctx.functions[meth])
    ):
        return None
    return it.call_module_function(meth, call.node, [Val(recv.labels), *call.args], call.kwargs, 0)


def class_method_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    """`Utils.clean(x)`: a static method (or a class method, `cls` first) of a module class."""
    meth, func = call.meth, call.node.func
    if not (
        it.allow_summaries
        and meth is not None
        and isinstance(func, ast.Attribute)
        and isinstance(owner := func.value, ast.Name)
        and owner.id not in it.env
        and meth in it.ctx.functions
        and owner.id in module_classes(it.ctx.text)
    ):
        return None
    if it.fn is not None:  # depends on the method's decorators too (re-analysed when they change)
        it.ctx.calls.append((it.fn, meth))
    bound = _class_bound(it.ctx.functions[meth])
    if bound is None:
        return None
    return it.call_module_function(meth, call.node, [*bound, *call.args], call.kwargs, 0)


def new_instance_call(it: FunctionInterp, call: CallSite, name: str) -> Val | None:
    """`Repo(x)`: an instance of a module class. Its methods are followed through summaries;
    the attributes only its `__init__` sets (to a parameter or a constant) are kept apart."""
    func = call.node.func
    if not (isinstance(func, ast.Name) and func.id not in it.env and func.id in module_classes(it.ctx.text)):
        return None
    fields = records.init_fields(it.ctx.text, func.id)
    keys = records.instance_keys(fields, call.args, call.kwargs) if fields else None
    return Val(labels_of(*call.args, *call.kwargs.values()), frozenset({INSTANCE}), None, keys)


def _class_bound(fn: FuncNode) -> list[Val] | None:
    """The arguments bound before the call's when a method is called on its class:
    none for a static method, the class for a class method; None for other methods."""
    for dec in fn.decorator_list:
        if isinstance(dec, ast.Name) and dec.id == "staticmethod":
            return []
        if isinstance(dec, ast.Name) and dec.id == "classmethod":
            return [Val()]
    return None


def _takes_self(fn: FuncNode) -> bool:
    return bool(fn.args.args) and fn.args.args[0].arg == "self"
