"""Who has which document open (``doc_open``/``doc_close``), for ``doc_viewers``.

Socket.IO room membership lives in each process, so the record of viewers is
kept where every realtime process sees it: a Redis hash per document (socket
id -> user) when Redis is configured, a dict otherwise. Which documents a
socket has open is known to its own process only, and kept there.
"""

from __future__ import annotations

from typing import Any


class Viewers:
    """The viewers of each open document, in this process (no Redis)."""

    def __init__(self) -> None:
        self._viewers: dict[str, dict[str, str]] = {}
        self._open: dict[str, set[str]] = {}

    async def _add(self, doc: str, sid: str, user: str) -> None:
        self._viewers.setdefault(doc, {})[sid] = user

    async def _remove(self, doc: str, sid: str) -> None:
        viewers = self._viewers.get(doc, {})
        viewers.pop(sid, None)
        if not viewers:
            self._viewers.pop(doc, None)

    async def users(self, doc: str) -> list[str]:
        """The distinct users viewing ``doc``, sorted."""
        return sorted(set(self._viewers.get(doc, {}).values()))

    async def open(self, doc: str, sid: str, user: str) -> None:
        """``sid`` (of ``user``) has ``doc`` open."""
        self._open.setdefault(sid, set()).add(doc)
        await self._add(doc, sid, user)

    async def close(self, doc: str, sid: str) -> None:
        """``sid`` closed ``doc``."""
        self._open.get(sid, set()).discard(doc)
        await self._remove(doc, sid)

    async def close_all(self, sid: str) -> list[str]:
        """``sid`` is gone: close every document it had open and answer them."""
        docs = sorted(self._open.pop(sid, set()))
        for doc in docs:
            await self._remove(doc, sid)
        return docs


class RedisViewers(Viewers):
    """The viewers of each open document, in Redis hashes shared by every realtime process."""

    def __init__(self, url: str, prefix: str, options: dict[str, Any]) -> None:
        import redis.asyncio

        super().__init__()
        self._redis = redis.asyncio.Redis.from_url(url, decode_responses=True, **options)
        self._prefix = prefix

    def _key(self, doc: str) -> str:
        return f"{self._prefix}:{doc}"

    async def _add(self, doc: str, sid: str, user: str) -> None:
        await self._redis.hset(self._key(doc), sid, user)

    async def _remove(self, doc: str, sid: str) -> None:
        await self._redis.hdel(self._key(doc), sid)

    async def users(self, doc: str) -> list[str]:
        return sorted(set((await self._redis.hgetall(self._key(doc))).values()))
