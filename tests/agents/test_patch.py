from pathlib import Path

import pytest

from aigentflow.agents.patch import PatchError, ProposedPatch, SearchReplace, apply_patch, patch_paths
from tests.agents.samples import git, make_repo


def edits(*items: tuple[str, str, str]) -> ProposedPatch:
    return ProposedPatch(edits=[SearchReplace(path=p, search=s, replace=r) for p, s, r in items])


def test_search_replace_edits_apply_and_report_the_files(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\ny = 2\n")
    files = apply_patch(tmp_path, edits(("a.py", "y = 2", "y = 3"), ("new.py", "", "z = 0\n")))
    assert files == ["a.py", "new.py"]
    assert (tmp_path / "a.py").read_text() == "x = 1\ny = 3\n" and (
        tmp_path / "new.py"
    ).read_text() == "z = 0\n"


def test_trailing_whitespace_differences_still_match(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def f():   \n    return 1\n")
    apply_patch(tmp_path, edits(("a.py", "def f():\n    return 1", "def f():\n    return 2")))
    assert "return 2" in (tmp_path / "a.py").read_text()


@pytest.mark.parametrize(
    ("patch", "error"),
    [
        (edits(("a.py", "x = 1", "x = 2"), ("a.py", "nope", "")), "not found"),
        (edits(("a.py", "= 1", "= 2")), "occurs 2 times"),
        (edits(("../outside.py", "", "x")), "outside the project"),
        (edits(("missing.py", "x", "y")), "no such file"),
        (edits(("a.py", "", "overwrite")), "exists"),
        (ProposedPatch(), "empty"),
    ],
)
def test_a_patch_that_does_not_apply_cleanly_writes_nothing(
    tmp_path: Path, patch: ProposedPatch, error: str
) -> None:
    (tmp_path / "a.py").write_text("x = 1\nw = 1\n")
    with pytest.raises(PatchError, match=error):
        apply_patch(tmp_path, patch)
    assert (tmp_path / "a.py").read_text() == "x = 1\nw = 1\n"


def test_a_unified_diff_is_checked_then_applied(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion", commit_seed=True)
    diff = "--- a/calc.py\n+++ b/calc.py\n@@ -13,1 +13,1 @@\n-    return a * b + 1\n+    return a * b\n"
    patch = ProposedPatch(diff=diff)
    assert patch_paths(patch) == ["calc.py"]
    assert apply_patch(root, patch) == ["calc.py"]
    assert "return a * b\n" in (root / "calc.py").read_text()
    assert git(root, "status", "--porcelain") == " M calc.py\n"


def test_a_diff_whose_context_does_not_match_is_refused(tmp_path: Path) -> None:
    root = make_repo(tmp_path, "assertion", commit_seed=True)
    diff = "--- a/calc.py\n+++ b/calc.py\n@@ -13,1 +13,1 @@\n-    return a - b\n+    return a * b\n"
    with pytest.raises(PatchError, match="does not apply"):
        apply_patch(root, ProposedPatch(diff=diff))
    assert git(root, "status", "--porcelain") == ""


def test_identical_patches_have_the_same_key() -> None:
    one = edits(("a.py", "x", "y"))
    assert one.key() == edits(("a.py", "x", "y")).key() != edits(("a.py", "x", "z")).key()
