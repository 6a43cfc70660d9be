"""The bug fixer: a narrow protocol, and the implementation that asks the model layer.

The loop depends only on `PatchProposer.propose(context) -> ProposedPatch | None`, so tests
and other model back ends plug in without touching it. `GatewayPatchProposer` calls
`ModelGateway.structured` (routing by purpose, redaction, budgets, retries, ledger, schema
repair); the loop runs in a worker thread, so the call is scheduled on the daemon's event loop.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Protocol

from aigentflow.agents.context import FixerContext
from aigentflow.agents.patch import ProposedPatch
from aigentflow.errors import ProviderError

if TYPE_CHECKING:
    from aigentflow.llm.gateway import ModelGateway

__all__ = ["SYSTEM_PROMPT", "GatewayPatchProposer", "PatchProposer"]

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = """\
You are the bug fixer of a build-test-fix loop. You get failing tests, their classification,
the source around the traceback, the recent diff and earlier rejected attempts. Propose the
smallest change to the code under test that makes the failing tests pass without breaking
others. Do not edit tests unless the failure is in the test file itself. Answer with `edits`:
each names a file, an exact `search` text copied from the source (unique in the file, without
line numbers) and its `replace` text. Never repeat a rejected attempt. If you cannot tell what
is wrong, return no edits and say why in `explanation`.
"""


class PatchProposer(Protocol):
    """Anything that turns a fixer context into a patch (None: no patch to offer)."""

    def propose(self, context: FixerContext) -> ProposedPatch | None:
        """Raises ProviderError when the model cannot be reached or answers unusably."""
        ...


class GatewayPatchProposer:
    """Proposes patches with `ModelGateway.structured(…, ProposedPatch, purpose="fix")`."""

    def __init__(
        self,
        gateway: ModelGateway,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        purpose: str = "fix",
        timeout_s: float = 300.0,
    ) -> None:
        self.gateway = gateway
        self.loop = loop
        self.purpose = purpose
        self.timeout_s = timeout_s
        self._own_loop: asyncio.AbstractEventLoop | None = None

    def close(self) -> None:
        """Close the private event loop used when no daemon loop was given."""
        if self._own_loop is not None:
            self._own_loop.close()
            self._own_loop = None

    def unavailable(self) -> str | None:
        """Why no model can serve the fix purpose, or None when one can."""
        return self.gateway.unavailable(self.purpose)

    def propose(self, context: FixerContext) -> ProposedPatch | None:
        from aigentflow.llm.gateway import CallOptions
        from aigentflow.llm.types import Message

        options = CallOptions(purpose=self.purpose, task_id=context.run_id)
        call = self.gateway.structured(
            [Message("user", context.render())], ProposedPatch, system=SYSTEM_PROMPT, options=options
        )
        try:
            if self.loop is not None and self.loop.is_running():
                result = asyncio.run_coroutine_threadsafe(call, self.loop).result(self.timeout_s)
            else:
                # one private loop for every call: SDK clients stay bound to the loop they began on
                if self._own_loop is None:
                    self._own_loop = asyncio.new_event_loop()
                result = self._own_loop.run_until_complete(call)
        except ProviderError:
            raise
        except TimeoutError:
            raise ProviderError(f"the fixer model gave no answer within {self.timeout_s:g}s") from None
        if not result.ok:
            raise ProviderError(
                "the fixer's answer did not match the patch schema: " + "; ".join(result.errors[:3])
            )
        patch = result.unwrap()
        return patch if (patch.edits or patch.diff) else None
