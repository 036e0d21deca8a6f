"""The work benchmark's load generator: asyncio, one keep-alive HTTP/1.1 connection per client.

Each client is one active contributor looping claim, then submit. The HTTP client is a few
lines over asyncio streams (no httpx): writing a request and reading `Content-Length` bytes
back costs tens of microseconds, so the generator is not what limits the figure on a small box
(its CPU per pair is measured and printed beside the server's).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

ANSWERS = ("positive", "negative", "neutral", "mixed")


class Http:
    """One keep-alive connection to the server."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.fixed = (
            f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\n"
        ).encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def post(self, path: str, body: bytes, extra: str = "") -> tuple[int, bytes]:
        """POST; (status, body). Reconnects once if the kept-alive connection was closed."""
        for attempt in (0, 1):
            if self.writer is None:
                await self._open()
            assert self.reader is not None and self.writer is not None
            request = (
                f"POST {path} HTTP/1.1\r\n".encode()
                + self.fixed
                + f"{extra}Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            try:
                self.writer.write(request)
                head = await self.reader.readuntil(b"\r\n\r\n")
            except (OSError, asyncio.IncompleteReadError):
                await self.close()
                if attempt:
                    raise
                continue
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            length, close = 0, False
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
                elif name == "transfer-encoding":
                    raise RuntimeError("chunked responses are not expected from the work API")
            data = await self.reader.readexactly(length) if length else b""
            if close:
                await self.close()
            return status, data
        raise AssertionError("unreachable")


@dataclass
class Tally:
    """What the clients did and saw; latencies are (end time, seconds) of each call."""

    claims: list[tuple[float, float]] = field(default_factory=list)
    submits: list[tuple[float, float]] = field(default_factory=list)
    acked: set[int] = field(default_factory=set)  # response ids answered 201
    statuses: Counter[str] = field(default_factory=Counter)  # "claim 201", "submit 503", ...
    busy: int = 0  # 503 database_busy, or a body saying the database is locked
    server_errors: int = 0  # any other 5xx
    other_errors: int = 0  # unexpected 4xx, broken connections
    no_work: int = 0
    resumed: int = 0  # 200 on claim: a lease this client already held
    items_twice: int = 0  # one client given the same item twice (seen client-side)
    samples: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        if len(self.samples) < 5:
            self.samples.append(what[:300])


def _error_code(body: bytes) -> str:
    try:
        return str(orjson.loads(body)["error"]["code"])
    except Exception:
        return "?"


async def _call(
    http: Http, tally: Tally, kind: str, path: str, body: bytes, extra: str = ""
) -> tuple[int, bytes]:
    """One call, retried after a short pause while the database says busy (counted)."""
    while True:
        start = time.perf_counter()
        try:
            status, data = await http.post(path, body, extra)
        except (OSError, asyncio.IncompleteReadError, RuntimeError) as exc:
            tally.other_errors += 1
            tally.note(f"{kind}: {type(exc).__name__}: {exc}")
            await asyncio.sleep(0.1)
            return 0, b""
        end = time.perf_counter()
        (tally.claims if kind == "claim" else tally.submits).append((end, end - start))
        tally.statuses[f"{kind} {status}"] += 1
        if status == 503 or b"database is locked" in data:
            tally.busy += 1
            tally.note(f"{kind}: {status} {data[:200]!r}")
            await asyncio.sleep(0.02 + random.random() * 0.03)
            continue
        if status >= 500:
            tally.server_errors += 1
            tally.note(f"{kind}: {status} {data[:200]!r}")
        return status, data


async def contributor(
    n: int,
    host: str,
    port: int,
    token: str,
    project_id: int,
    tally: Tally,
    stop: Callable[[], bool],
    pair_ends: list[float],
) -> None:
    """Claim, then submit, until told to stop; a claimed item is always answered before
    stopping, so no lease is left live between runs."""
    http = Http(host, port, token)
    rng = random.Random(n)
    seen: set[int] = set()
    claim_path = f"/api/v1/projects/{project_id}/assignments"
    try:
        while not stop():
            status, data = await _call(http, tally, "claim", claim_path, b"")
            if status == 409 and _error_code(data) == "no_work":
                tally.no_work += 1
                await asyncio.sleep(0.05)
                continue
            if status not in (200, 201):
                if status and status < 500:
                    tally.other_errors += 1
                    tally.note(f"claim: {status} {data[:200]!r}")
                await asyncio.sleep(0.05)
                continue
            claimed = orjson.loads(data)
            if status == 200:
                tally.resumed += 1
            elif claimed["item"]["id"] in seen:
                tally.items_twice += 1
            seen.add(claimed["item"]["id"])
            body = orjson.dumps(
                {"answers": {"sentiment": rng.choice(ANSWERS)}, "active_seconds": 5}
            )
            key = f"Idempotency-Key: {uuid.uuid4().hex}\r\n"
            path = f"/api/v1/assignments/{claimed['id']}/response"
            status, data = await _call(http, tally, "submit", path, body, key)
            if status in (200, 201):
                tally.acked.add(int(orjson.loads(data)["id"]))
                pair_ends.append(time.perf_counter())
            elif status and status < 500:
                tally.other_errors += 1
                tally.note(f"submit: {status} {data[:200]!r}")
    finally:
        await http.close()
