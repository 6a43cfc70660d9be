"""Aigentflow: a local daemon that serves a coding orchestrator over MCP and LSP."""

__all__ = ["__version__"]

__version__ = "0.1.0"
