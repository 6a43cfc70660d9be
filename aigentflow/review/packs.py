"""The rule packs a review engine runs, in order. Add a pack here to make it live everywhere."""

from __future__ import annotations

from aigentflow.review.rules import RulePack
from aigentflow.settings import ReviewSettings

__all__ = ["default_packs"]


def default_packs(settings: ReviewSettings) -> list[RulePack]:
    """Every built-in rule pack, configured from the review settings."""
    from aigentflow.review.javascript import JavaScriptPack
    from aigentflow.review.python import PythonPack
    from aigentflow.review.quality import QualityPack
    from aigentflow.review.secrets import SecretsPack
    from aigentflow.review.triggers import TriggersPack

    packs: list[RulePack] = [
        SecretsPack(settings.secrets),
        PythonPack(),
        JavaScriptPack(),
        QualityPack(settings.quality),
        TriggersPack(),
    ]
    return packs
