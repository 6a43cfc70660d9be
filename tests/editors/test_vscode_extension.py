"""The VS Code extension builds, lints, passes its unit tests and packages into a .vsix.

Runs the documented pipeline (`npm ci && npm run compile && npm run lint && npm test &&
npx vsce package`) on a copy of editors/vscode, as a fresh clone would: node_modules is not in
git, so `npm ci` installs it (from npm's cache when it is warm, ~15 s). The copy keeps the
checkout clean and sits beside a copy of aigentflow/lsp/commands.py so the extension's own
mirroring test runs instead of skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from aigentflow.settings import Settings

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "editors" / "vscode"
SKIP_COPY = {"node_modules", "out", ".vscode-test"}


def _node_major() -> int | None:
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None or shutil.which("npx") is None:
        return None
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    return int(version.strip().lstrip("v").split(".")[0])


NODE_MAJOR = _node_major()
pytestmark = pytest.mark.skipif(
    NODE_MAJOR is None or NODE_MAJOR < 18,
    reason="Node.js >= 18 with npm/npx is needed to build the VS Code extension and is not installed here",
)


def _run(argv: list[str], cwd: Path) -> str:
    env = {**os.environ, "CI": "true", "npm_config_update_notifier": "false", "npm_config_fund": "false"}
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env, timeout=150, check=False)
    assert result.returncode == 0, (
        f"{' '.join(argv)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return result.stdout


@pytest.fixture(scope="module")
def built_extension(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """editors/vscode copied to a temp repo layout, then put through the whole pipeline."""
    root = tmp_path_factory.mktemp("repo")
    target = root / "editors" / "vscode"
    shutil.copytree(
        EXTENSION,
        target,
        ignore=lambda _dir, names: [n for n in names if n in SKIP_COPY or n.endswith(".vsix")],
    )
    (root / "aigentflow" / "lsp").mkdir(parents=True)
    shutil.copy(REPO / "aigentflow" / "lsp" / "commands.py", root / "aigentflow" / "lsp" / "commands.py")
    _run(["npm", "ci", "--prefer-offline", "--no-audit", "--no-fund"], target)
    _run(["npm", "run", "compile"], target)
    _run(["npm", "run", "lint"], target)
    tested = _run(["npm", "test"], target)
    assert "# fail 0" in tested and "# skipped 0" in tested, tested[-2000:]
    _run(["npx", "vsce", "package", "--out", "aigentflow.vsix"], target)
    return target


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_npm_pipeline_packages_a_vsix_with_the_compiled_extension(built_extension: Path) -> None:
    with zipfile.ZipFile(built_extension / "aigentflow.vsix") as vsix:
        names = set(vsix.namelist())
        manifest = json.loads(vsix.read("extension/package.json"))
    assert manifest["main"] == "./out/extension.js"
    for compiled in ("extension", "settings", "commands", "backoff", "status", "results"):
        assert f"extension/out/{compiled}.js" in names
    assert "extension/node_modules/vscode-languageclient/node.js" in names
    assert not any(n.startswith("extension/src/") or n.startswith("extension/out/test/") for n in names)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_vscode_settings_map_to_a_valid_server_configuration(built_extension: Path) -> None:
    """Every server-bound VS Code setting lands where aigentflow's Settings schema expects it."""
    script = (
        "const s = require('./out/settings.js');"
        "const o = s.toInitializationOptions({'review.debounceMs': 75, 'review.disabledRules': ['secrets.*'],"
        "'secrets.entropyThreshold': 4.5, 'secrets.allowlist': ['^dummy']}, {name: 'pytest', version: '0'});"
        "process.stdout.write(JSON.stringify({keys: Object.keys(s.SERVER_SETTINGS), options: o}));"
    )
    out = json.loads(_run(["node", "-e", script], built_extension))
    settings = Settings.model_validate(out["options"]["settings"])
    assert settings.review.debounce_ms == 75
    assert settings.review.rules["secrets.*"].enabled is False
    assert settings.review.secrets.entropy_threshold == 4.5
    assert settings.review.secrets.allowlist == ["^dummy"]
    assert len(out["keys"]) == 4
