"""Where a workspace's daemon keeps its socket, lock, log, token and info file.

One directory per workspace under `$AIGENTFLOW_HOME` (default: the platform's user state
dir), named by a hash of the workspace path, created with user-only permissions.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = ["DaemonPaths", "aigentflow_home"]

_MAX_SOCKET_PATH = 100  # sun_path is 104-108 bytes depending on the platform


def aigentflow_home() -> Path:
    env = os.environ.get("AIGENTFLOW_HOME")
    return Path(env) if env else Path(platformdirs.user_state_dir("aigentflow"))


@dataclass(frozen=True)
class DaemonPaths:
    workspace: Path
    directory: Path
    socket: Path
    lock: Path
    info: Path
    log: Path
    token: Path

    @staticmethod
    def for_workspace(workspace: Path) -> DaemonPaths:
        root = workspace.resolve()
        key = hashlib.sha256(str(root).encode()).hexdigest()[:16]
        directory = aigentflow_home() / "daemons" / key
        socket = directory / "daemon.sock"
        if len(str(socket)) > _MAX_SOCKET_PATH:
            socket = Path(tempfile.gettempdir()) / f"aigentflow-{os.getuid()}" / f"{key}.sock"
        return DaemonPaths(
            workspace=root,
            directory=directory,
            socket=socket,
            lock=directory / "daemon.lock",
            info=directory / "daemon.json",
            log=directory / "daemon.log",
            token=directory / "http.token",
        )

    def ensure(self) -> None:
        """Create the directories with mode 0700."""
        for directory in {self.directory, self.socket.parent}:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(directory, 0o700)
