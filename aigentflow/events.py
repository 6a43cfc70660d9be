"""The in-process event bus: file changes in, findings and progress out.

Publishers may call `publish` from any thread; subscribers are coroutines run on the bus's
event loop. A failing subscriber is logged and does not affect the others.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # asyncio is loaded by the daemon; `aigentflow review` never needs it
    import asyncio

__all__ = ["Event", "EventBus", "FileChanged", "FindingsChanged"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Base of every event; `topic` names its kind."""

    topic: str = field(init=False, default="event")


@dataclass(frozen=True)
class FileChanged(Event):
    """A workspace file was added, modified or deleted on disk."""

    path: str  # workspace-relative POSIX path
    change: Literal["added", "modified", "deleted"]
    topic: str = field(init=False, default="file.changed")


@dataclass(frozen=True)
class FindingsChanged(Event):
    """The findings of a file on disk changed (or were computed for the first time)."""

    path: str
    topic: str = field(init=False, default="findings.changed")


Handler = Callable[[Any], Awaitable[None]]


class EventBus:
    """Topic-based publish/subscribe on one asyncio loop."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Attach the loop handlers run on; publishing before binding runs nothing."""
        self._loop = loop

    def subscribe(self, topic: str, handler: Handler) -> Callable[[], None]:
        """Call `handler(event)` for each event of `topic`; returns the unsubscribe function."""
        self._handlers.setdefault(topic, []).append(handler)

        def unsubscribe() -> None:
            handlers = self._handlers.get(topic, [])
            if handler in handlers:
                handlers.remove(handler)

        return unsubscribe

    def publish(self, event: Event) -> None:
        """Deliver `event` to its subscribers; safe to call from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        import asyncio

        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._dispatch(event)
        else:
            loop.call_soon_threadsafe(self._dispatch, event)

    def _dispatch(self, event: Event) -> None:
        import asyncio

        for handler in list(self._handlers.get(event.topic, [])):
            task = asyncio.ensure_future(self._run(handler, event))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, handler: Handler, event: Event) -> None:
        try:
            await handler(event)
        except Exception:  # a subscriber's bug must not stop delivery to others
            logger.exception("event handler failed for %s", event.topic)
