"""The load generator: a process of its own, so the server under test never shares an
interpreter with whoever measures it.

    python -m bench.load SPEC.json RESULT.json

SPEC: {"base": url, "mode": "closed" | "open", "concurrency": n, "rate": ops/s (open),
"duration": s (open, or closed without items), "ops": [op, …], "photo": path}. An op is a
request {"method", "path", "token", "json", "key"} (`key`: an Idempotency-Key), or
{"kind": "submit_with_photo", "token", "json", "key"}: upload the photo, then submit a matter
with it, timed as one operation. Closed mode runs each op once with `concurrency` in flight
(as fast as the server answers); with no fixed list it cycles the ops for `duration`. Open
mode starts ops at a fixed `rate` whatever the server does, and times each from when it was
due, so a stall shows in the latencies instead of slowing the load (no coordinated omission).

RESULT: {"ops", "ok", "seconds", "throughput", "p50_ms", "p99_ms", "max_ms", "statuses",
"errors": [first few unexpected answers]}.
"""
import asyncio
import itertools
import json
import sys
import time
from collections import Counter

import aiohttp


class Run:
    def __init__(self, spec):
        self.spec = spec
        self.base = spec["base"]
        self.latencies = []
        self.statuses = Counter()
        self.errors = []
        self.photo = open(spec["photo"], "rb").read() if spec.get("photo") else None

    async def _request(self, session, method, path, token, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kwargs.pop("headers", {}))
        async with session.request(method, self.base + path, headers=headers, **kwargs) as response:
            body = await response.read()
            return response.status, body

    async def _op(self, session, op):
        headers = {"Idempotency-Key": op["key"]} if op.get("key") else {}
        if op.get("kind") == "submit_with_photo":
            form = aiohttp.FormData()
            form.add_field("file", self.photo, filename="photo.jpg", content_type="image/jpeg")
            status, body = await self._request(session, "POST", "/api/v1/photos", op["token"], data=form,
                                               headers={"Idempotency-Key": op["key"] + "-photo"})
            if status != 201:
                return status, body
            matter = dict(op["json"], photo_ids=[json.loads(body)["id"]])
            return await self._request(session, "POST", "/api/v1/matters", op["token"], json=matter,
                                       headers=headers)
        return await self._request(session, op.get("method", "GET"), op["path"], op.get("token"),
                                   json=op.get("json"), headers=headers)

    async def _timed(self, session, op, due):
        try:
            status, body = await self._op(session, op)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            status, body = 0, repr(error).encode()
        self.latencies.append(time.perf_counter() - due)
        self.statuses[status] += 1
        if (status >= 400 or status == 0) and len(self.errors) < 5:
            self.errors.append({"status": status, "body": body[:300].decode(errors="replace")})

    async def closed(self, session):
        ops, concurrency = self.spec["ops"], self.spec["concurrency"]
        fixed = not self.spec.get("duration")
        source = iter(ops) if fixed else itertools.cycle(ops)
        stop = None if fixed else time.perf_counter() + self.spec["duration"]

        async def worker():
            for op in source:
                if stop is not None and time.perf_counter() >= stop:
                    return
                await self._timed(session, op, time.perf_counter())

        await asyncio.gather(*(worker() for _ in range(concurrency)))

    async def open(self, session):
        rate, duration = self.spec["rate"], self.spec["duration"]
        ops = itertools.cycle(self.spec["ops"])
        start = time.perf_counter()
        tasks = []
        for n in range(int(rate * duration)):
            due = start + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self._timed(session, next(ops), due)))
        await asyncio.gather(*tasks)

    async def main(self):
        limit = self.spec.get("concurrency", 0) if self.spec["mode"] == "closed" else 0
        connector = aiohttp.TCPConnector(limit=limit, force_close=False)
        timeout = aiohttp.ClientTimeout(total=60)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            started = time.perf_counter()
            await (self.closed(session) if self.spec["mode"] == "closed" else self.open(session))
            seconds = time.perf_counter() - started
        latencies = sorted(self.latencies)
        ok = sum(count for status, count in self.statuses.items() if 200 <= status < 300)
        return {
            "ops": len(latencies), "ok": ok, "seconds": round(seconds, 3),
            "throughput": round(ok / seconds, 1),
            "p50_ms": round(_percentile(latencies, 50) * 1000, 1),
            "p99_ms": round(_percentile(latencies, 99) * 1000, 1),
            "max_ms": round(latencies[-1] * 1000, 1) if latencies else 0.0,
            "statuses": {str(status): count for status, count in sorted(self.statuses.items())},
            "errors": self.errors,
        }


def _percentile(values, q):
    """Nearest-rank percentile of sorted `values`."""
    if not values:
        return 0.0
    rank = max(1, -(-len(values) * q // 100))
    return values[int(rank) - 1]


def main(argv):
    spec_path, result_path = argv
    with open(spec_path) as handle:
        spec = json.load(handle)
    result = asyncio.run(Run(spec).main())
    with open(result_path, "w") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main(sys.argv[1:])
