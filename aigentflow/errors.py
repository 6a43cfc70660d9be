"""Every error Aigentflow raises on purpose.

```
AigentflowError
├── ConfigError            a configuration file or variable is invalid (names file, key, reason)
├── WorkspaceError
│   ├── PathOutsideWorkspace   a path resolves (symlinks included) outside the workspace
│   └── FileSkipped            a file is binary, too large or unreadable; says which and why
├── DaemonError
│   ├── DaemonAlreadyRunning   another daemon holds the workspace lock
│   └── DaemonUnavailable      no daemon answered and none could be started
├── ReviewError                a review request could not be carried out (bad baseline, bad rule id)
├── IndexError_                the code index could not be opened, written or searched
├── ProviderError              a model provider failed or is not configured
│   └── BudgetExceeded         a call would go over its cost budget
└── ToolDenied                 a tool call was refused by policy
```

Adapters turn these into protocol errors: MCP tool errors, JSON-RPC errors, CLI exit codes.
"""

from __future__ import annotations

__all__ = [
    "AigentflowError",
    "BudgetExceeded",
    "ConfigError",
    "DaemonAlreadyRunning",
    "DaemonError",
    "DaemonUnavailable",
    "FileSkipped",
    "IndexError_",
    "PathOutsideWorkspace",
    "ProviderError",
    "ReviewError",
    "ToolDenied",
    "WorkspaceError",
]


class AigentflowError(Exception):
    """Base of every error raised on purpose; its message is meant for the user."""


class ConfigError(AigentflowError):
    """A configuration layer is invalid; the message names the file, the key and the reason."""


class WorkspaceError(AigentflowError):
    """A workspace operation failed."""


class PathOutsideWorkspace(WorkspaceError):
    """A path resolves outside the workspace root (after resolving symlinks)."""


class FileSkipped(WorkspaceError):
    """A file was not read: binary, over the size limit, or unreadable."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: skipped ({reason})")
        self.path = path
        self.reason = reason


class DaemonError(AigentflowError):
    """The daemon could not be started, reached or stopped."""


class DaemonAlreadyRunning(DaemonError):
    """Another daemon already serves this workspace."""


class DaemonUnavailable(DaemonError):
    """No daemon answered for this workspace and none could be started."""


class ReviewError(AigentflowError):
    """A review request could not be carried out."""


class IndexError_(AigentflowError):
    """The code index could not be opened, written or searched."""


class ProviderError(AigentflowError):
    """A model provider failed or is not configured."""


class BudgetExceeded(ProviderError):
    """A model call would exceed its task or project budget; it was not sent."""


class ToolDenied(AigentflowError):
    """A tool call was refused by the security policy."""
