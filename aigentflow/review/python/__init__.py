"""Python review: taint analysis (sources, propagation, sanitizers, sinks by CWE) and
configuration rules with quick fixes, sharing one parse and one interpretation per file."""

from aigentflow.review.python.fixes import apply_edits
from aigentflow.review.python.pack import PythonPack, analyze
from aigentflow.review.python.parsing import parse_python

__all__ = ["PythonPack", "analyze", "apply_edits", "parse_python"]
