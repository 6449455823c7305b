"""Palette "Go to <noun> <name>" entries, searched in the database (never the whole list).

Keys and secrets both offer them; what differs is only how items are fetched, named and
opened, so a subclass says those three things and this class does the palette's part. The
search runs on the one road to the engine (`App.call_engine`, a thread worker); a refusal
just offers nothing (no toast while typing).
"""
from __future__ import annotations

import asyncio
from typing import Any, Iterable

from textual.command import DiscoveryHit, Hit, Hits, Provider



class JumpProvider(Provider):
    """Subclasses set NOUN and implement fetch, name, brief, details and open."""

    NOUN = ""
    LIMIT = 20

    def fetch(self, engine: Any, search: str | None) -> Iterable[Any]:  # pragma: no cover
        raise NotImplementedError

    def name(self, item: Any) -> str:  # pragma: no cover
        raise NotImplementedError

    def brief(self, item: Any) -> str:  # pragma: no cover - the help line when discovering
        raise NotImplementedError

    def details(self, item: Any) -> str:  # pragma: no cover - the help line of a search hit
        raise NotImplementedError

    def open(self, item: Any) -> None:  # pragma: no cover
        raise NotImplementedError

    async def _items(self, search: str | None):
        engine = self.app.engine  # type: ignore[attr-defined]
        if engine.sealed:
            return ()
        found: asyncio.Future = asyncio.get_running_loop().create_future()

        def settle(items) -> None:
            if not found.done():
                found.set_result(items)

        self.app.call_engine(lambda: list(self.fetch(engine, search)), quiet=True,  # type: ignore[attr-defined]
                             group=f"palette-{self.NOUN}", label=f"palette: find {self.NOUN}",
                             done=settle, failed=lambda _err: settle(()))
        return await found

    def _go(self, item):
        return lambda: self.open(item)

    async def discover(self) -> Hits:
        for item in await self._items(None):
            yield DiscoveryHit(f"Go to {self.NOUN} {self.name(item)}", self._go(item), help=self.brief(item))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        words = query.split()
        term = words[-1] if words and words[-1].lower() not in ("go", "to", self.NOUN) else None
        for item in await self._items(term):
            title = f"Go to {self.NOUN} {self.name(item)}"
            score = matcher.match(title) or (0.5 if term else 0)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._go(item), text=title, help=self.details(item))
