"""`make bench`: the service as in production, loaded from another process, against two ceilings
measured in the same run (a bare Flask endpoint, and one that writes a row through psycopg);
with the CPU each request costs the app and PostgreSQL, and the round trips to PostgreSQL of a
ballot, a report and the reads. See bench/README.md for what each scenario means and what was found.

    python -m bench.run [--quick] [--rq-workers N] [--out build/bench/results.json]

It makes its own PostgreSQL database (`yuanba_bench`, dropped first) and uses Redis db 3 of the
local server (flushed first); gunicorn runs with config/gunicorn.conf.py and APP_ENV=production
(GUNICORN_WORKERS, GUNICORN_THREADS and DB_* pass through from the caller's environment, to
compare settings), and rq workers deliver notifications to a fake WeChat server started here.
"""
import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import requests
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_wechat import FakeWeChat  # noqa: E402  (the same fake the tests use)
from tests.pgproxy import RoundTripProxy  # noqa: E402

DB_NAME = "yuanba_bench"
PG = "postgresql://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/3"
PORT = 5601
BASE = f"http://127.0.0.1:{PORT}"
API = "/api/v1"
PHOTO_BYTES = 1_000_000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Bench:
    def __init__(self, quick, out, rq_workers):
        self.quick = quick
        self.rq_workers = rq_workers
        self.out = Path(out)
        self.work = self.out.parent
        self.rows = []
        self.insert_ceilings = []  # throughput of each measurement of the write ceiling
        self.checks = {}
        self.processes = []
        self.server = None  # the gunicorn whose CPU a load is charged to
        self.fake = FakeWeChat().start()
        self.env = dict(
            {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "GUNICORN_BIND"))},
            APP_ENV="production", DATABASE_URL=f"{PG}/{DB_NAME}", REDIS_URL=REDIS_URL,
            SECRET_KEY="bench-" + "k" * 40, WECHAT_APPID="wx-bench", WECHAT_SECRET="bench-secret",
            WECHAT_API_BASE=self.fake.url, MEDIA_ROOT=str(self.work / "media"),
            WECHAT_TEMPLATE_MEETING_INVITATION="tpl-bench-invitation",
            GUNICORN_BIND=f"127.0.0.1:{PORT}", PYTHONPATH=str(ROOT))

    # ---- processes ------------------------------------------------------------------------

    def _spawn(self, name, argv):
        log = open(self.work / f"{name}.log", "ab")
        process = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes.append(process)
        return process

    def _serve(self, target, path):
        server = self._spawn(target.split(":")[0], [sys.executable, "-m", "gunicorn", "-c",
                                                   "config/gunicorn.conf.py", target])
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(BASE + path, timeout=5).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or still importing
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{target} did not start; see {self.work}/{target.split(':')[0]}.log")
            time.sleep(0.3)
        self.server = server
        return server

    def _stop(self, process):
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
        self.processes.remove(process)
        if process is self.server:
            self.server = None

    def close(self):
        for process in list(self.processes):
            self._stop(process)
        self.fake.stop()

    # ---- load -----------------------------------------------------------------------------

    def load(self, ops, mode="closed", concurrency=32, rate=None, duration=None):
        """Run the load generator (bench/load.py) in its own process; its result, with the CPU
        the server's processes and PostgreSQL's spent meanwhile per request sent (an upload with
        its submission is two)."""
        spec = {"base": BASE, "mode": mode, "concurrency": concurrency, "rate": rate, "duration": duration,
                "ops": ops, "photo": str(self.work / "photo.jpg")}
        with tempfile.TemporaryDirectory() as tmp:
            spec_path, result_path = Path(tmp, "spec.json"), Path(tmp, "result.json")
            spec_path.write_text(json.dumps(spec))
            before = _cpu_seconds(self.server.pid)
            subprocess.run([sys.executable, "-m", "bench.load", str(spec_path), str(result_path)],
                           cwd=ROOT, env=self.env, check=True)
            after = _cpu_seconds(self.server.pid)
            result = json.loads(result_path.read_text())
        result["requests"] = result["ops"] * (2 if ops[0].get("kind") == "submit_with_photo" else 1)
        for name in ("app", "pg"):
            result[f"{name}_cpu_ms"] = round((after[name] - before[name]) * 1000 / max(result["requests"], 1), 2)
        return result

    def row(self, scenario, result, **extra):
        row = {"scenario": scenario, "ops": result["ops"], "ok": result["ok"],
               "throughput": result["throughput"], "p50_ms": result["p50_ms"], "p99_ms": result["p99_ms"],
               "requests": result["requests"], "app_cpu_ms": result["app_cpu_ms"], "pg_cpu_ms": result["pg_cpu_ms"],
               "statuses": result["statuses"], **extra}
        if result["errors"]:
            row["errors"] = result["errors"]
        self.rows.append(row)
        print(f"  {scenario}: {result['throughput']} ops/s, p50 {result['p50_ms']} ms, "
              f"p99 {result['p99_ms']} ms, CPU per request {result['app_cpu_ms']} ms app + "
              f"{result['pg_cpu_ms']} ms PostgreSQL, {result['statuses']}", flush=True)
        return row

    # ---- the run --------------------------------------------------------------------------

    def run(self):
        self.work.mkdir(parents=True, exist_ok=True)
        for log in self.work.glob("*.log"):
            log.unlink()
        self._database()
        os.environ.update(self.env)  # the seeding app reads the same settings as the server
        from app import create_app
        from bench import seed

        self.app = create_app()
        with self.app.app_context():
            print("seeding …", flush=True)
            started = time.monotonic()
            self.world = seed.world(self.app)
            self._seed_matters(seed)
            print(f"  seeded in {time.monotonic() - started:.0f} s", flush=True)
        self._settle()
        self._photo()

        self.baseline()
        server = self._serve("wsgi:app", "/healthz")
        for n in range(self.rq_workers):
            self._spawn(f"worker{n}", [sys.executable, "-m", "flask", "--app", "wsgi", "worker"])
        try:
            rates = self.reads("1,000 matters")
            self.vote_storm()
            self.submit_text()
            self.submit_photo()
            self.fan_out()
            with self.app.app_context():
                self._grow(seed)
            # Fresh workers, as for the first size: the heap the write scenarios left is not what
            # the growth ratio compares.
            self._stop(server)
            self.insert_ceiling_again()
            server = self._serve("wsgi:app", "/healthz")
            self.reads("200,000 matters", rates=rates)
        finally:
            self._stop(server)
        self.round_trips()
        self.report()
        failed = [name for name in ("vote_storm", "fan_out") if not self.checks[name]["agree"]]
        if failed:
            raise SystemExit(f"checks failed: {', '.join(failed)} (see build/bench/results.json)")

    def _database(self):
        for sql in (f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)", f"CREATE DATABASE {DB_NAME}"):
            subprocess.run(["psql", f"{PG}/postgres", "-q", "-c", sql], check=True)
        subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=self.env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _seed_matters(self, seed):
        """1,000 matters: 30 of the resident's household, 570 more in A (one in six awaiting
        triage), 400 in F."""
        w = self.world
        resident_home = self._home_of(w["resident_user"])
        seed.add_matters(w["community_a"], 30, submitted_every=10, household_id=resident_home)
        seed.add_matters(w["community_a"], 570, submitted_every=6)
        seed.add_matters(w["community_f"], 400)
        w["matter_count"] = seed.matter_count()
        from app.matters.models import Matter
        from app.extensions import db
        w["resident_matter"] = db.session.scalar(select(func.min(Matter.id)).where(
            Matter.household_id == resident_home, Matter.status == "closed"))

    def _home_of(self, user_id):
        from app.community.models import HouseholdMember
        from app.extensions import db
        return db.session.scalar(select(HouseholdMember.household_id).where(HouseholdMember.user_id == user_id))

    def _grow(self, seed):
        """Up to 200,000 matters: 170 more of the resident's, 59,430 more in A (one in fifty
        awaiting triage), the rest in F."""
        w = self.world
        print("growing to 200,000 matters …", flush=True)
        seed.add_matters(w["community_a"], 170, submitted_every=10, household_id=self._home_of(w["resident_user"]))
        seed.add_matters(w["community_a"], 59_430)
        seed.add_matters(w["community_f"], 200_000 - seed.matter_count())
        self.checks["matters_after_growth"] = seed.matter_count()
        self._settle()

    def _settle(self):
        """Both sizes are read as a database at rest: fresh statistics for the planner, and the
        bulk load's dirty pages written out now rather than by a checkpoint during the reads."""
        for sql in ("VACUUM ANALYZE", "CHECKPOINT"):
            subprocess.run(["psql", f"{PG}/{DB_NAME}", "-q", "-c", sql], check=True)

    def _photo(self):
        """A JPEG of about 1 MB (noise does not compress), as a phone camera might send."""
        rng = random.Random(8)
        side = 700
        while True:
            image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=85)
            if buffer.tell() >= PHOTO_BYTES:
                break
            side += 50
        (self.work / "photo.jpg").write_bytes(buffer.getvalue())
        self.checks["photo_bytes"] = buffer.tell()

    # ---- scenarios ------------------------------------------------------------------------

    def baseline(self):
        """Both ceilings (bench/baseline.py) under the same gunicorn settings: the bare JSON route
        saturated and at half that rate, the write saturated."""
        print("baselines: bare Flask, and a write through psycopg, under the same gunicorn settings", flush=True)
        from bench.baseline import create_table
        create_table(self.env["DATABASE_URL"])
        server = self._serve("bench.baseline:app", "/ping")
        seconds = 5 if self.quick else 15
        try:
            ping = [{"path": "/ping"}]
            self.load(ping, duration=2)  # warm-up
            saturated = self.load(ping, duration=seconds, concurrency=32)
            self.baselines = {"hello": saturated["throughput"]}
            self.row("baseline: bare Flask JSON (saturated)", saturated)
            half = self.load(ping, mode="open", rate=self.baselines["hello"] / 2, duration=5 if self.quick else 10)
            self.row("baseline at half load", half)
            self._insert_ceiling("baseline: SELECT 1 + INSERT + COMMIT (saturated)", seconds)
        finally:
            self._stop(server)

    def insert_ceiling_again(self):
        """The write ceiling once more, after the write scenarios: on a shared machine it moved by
        a quarter between runs minutes apart, so "× insert" is taken against the mean of both
        measurements, and both are printed, as the run's own measure of that drift."""
        print("the write ceiling again", flush=True)
        server = self._serve("bench.baseline:app", "/ping")
        try:
            self._insert_ceiling("baseline again, after the writes: SELECT 1 + INSERT + COMMIT", 5 if self.quick else 15)
        finally:
            self._stop(server)

    def _insert_ceiling(self, scenario, seconds):
        insert = [{"method": "POST", "path": "/insert"}]
        self.load(insert, duration=2)  # warm-up: every thread opens its connection
        saturated = self.load(insert, duration=seconds, concurrency=32)
        self.insert_ceilings.append(saturated["throughput"])
        self.baselines["insert"] = round(sum(self.insert_ceilings) / len(self.insert_ceilings), 1)
        self.row(scenario, saturated)

    def _read_ops(self):
        w = self.world
        resident = w["voter_tokens"][0]
        return {
            "my matters": [{"path": f"{API}/matters/mine", "token": resident}],
            "matter + timeline": [{"path": f"{API}/matters/{w['resident_matter']}", "token": resident}],
            "triage queue": [{"path": f"{API}/communities/{w['community_a']}/triage-queue",
                              "token": w["council_token"]}],
            "poll results": [{"path": f"{API}/polls/{w['results_poll']}", "token": w["voter_tokens"][50]}],
        }

    def reads(self, size, rates=None):
        """Each read path saturated (closed loop); at a fixed rate (open loop): half the
        saturating rate, or the first size's rates for the second size, so that both are taken
        under the same offered load; and one request at a time, whose p50 is the path's own cost
        (what indexes and keyset pages keep flat) without the queueing that dominates the
        half-load p50 on a box the database shares."""
        print(f"read paths with {size}", flush=True)
        rates = dict(rates or {})
        seconds = 4 if self.quick else 10
        for name, ops in self._read_ops().items():
            self.load(ops, duration=1, concurrency=8)  # warm-up
            result = self.load(ops, duration=seconds, concurrency=32)
            self.row(f"read {name} @ {size} (saturated)", result, path=name, size=size, load="saturated")
            rates.setdefault(name, result["throughput"] / 2)
            result = self.load(ops, mode="open", rate=rates[name], duration=seconds)
            self.row(f"read {name} @ {size} (half load)", result,
                     rate=round(rates[name], 1), path=name, size=size, load="half")
            result = self.load(ops, duration=seconds, concurrency=1)
            self.row(f"read {name} @ {size} (one client)", result, path=name, size=size, load="single")
        return rates

    def vote_storm(self):
        """Every household of community A votes once, as fast as the server takes them."""
        w = self.world
        voters = w["voter_tokens"]
        print(f"vote storm: {len(voters)} households, one poll", flush=True)
        ops = [{"method": "POST", "path": f"{API}/polls/{w['storm_poll']}/ballots", "token": token,
                "key": str(uuid.uuid4()),
                "json": {"answers": [{"question_id": w["storm_question"], "choices": [n % 3]}]}}
               for n, token in enumerate(voters)]
        result = self.load(ops, concurrency=64)
        self.row("vote storm (5,000 households)", result)
        sent = [0, 0, 0]
        for n in range(len(voters)):
            sent[n % 3] += 1
        self.checks["vote_storm"] = self._count_storm(sent)
        print(f"  check: {self.checks['vote_storm']}", flush=True)

    def _count_storm(self, sent):
        """Close the poll as the scheduled job would, then compare: ballots published on the
        board, the tally from their choices, the frozen result, and what was sent."""
        from app.extensions import db
        from app.polls import service as polls
        from app.polls.models import BoardEntry, Poll
        with self.app.app_context():
            poll = db.session.get(Poll, self.world["storm_poll"])
            poll.closes_at = poll.opens_at + timedelta(milliseconds=1)
            db.session.commit()
            polls.close_due(poll.id)
            db.session.expire_all()
            poll = db.session.get(Poll, poll.id)
            stored = [0, 0, 0]
            for choices in db.session.scalars(select(BoardEntry.choices).where(BoardEntry.poll_id == poll.id)):
                for option in choices[str(self.world["storm_question"])]:
                    stored[option] += 1
            frozen = [option["people"] for option in poll.result["questions"][0]["options"]]
            ballots = poll.result["ballots"]
        return {"ballots": ballots, "sent": sent, "stored": stored, "frozen_result": frozen,
                "agree": ballots == sum(sent) and sent == stored == frozen}

    def _submissions(self, tokens):
        return [{"method": "POST", "path": f"{API}/matters", "token": token, "key": str(uuid.uuid4()),
                 "json": {"title": "楼道灯坏了", "category": "street_lamp",
                          "description": "三楼到四楼的声控灯不亮，晚上上下楼看不见台阶"}}
                for token in tokens]

    def submit_text(self):
        tokens = self.world["voter_tokens"][1000:1500 if self.quick else 3000]
        print(f"submit a matter (text): {len(tokens)}", flush=True)
        result = self.load(self._submissions(tokens), concurrency=32)
        self.row("submit matter (text)", result)

    def submit_photo(self):
        tokens = self.world["voter_tokens"][3000:3050 if self.quick else 3200]
        print(f"submit a matter with a {self.checks['photo_bytes']:,}-byte photo: {len(tokens)}", flush=True)
        ops = [dict(op, kind="submit_with_photo") for op in self._submissions(tokens)]
        result = self.load(ops, concurrency=16)
        self.row("submit matter with 1 MB photo (upload + submit)", result)

    def fan_out(self):
        """A meeting of community F's 10,000 households: the publishing request, the rows, and
        delivery through the rq workers to the fake WeChat."""
        from app.extensions import db
        from app.notifications.models import Notification
        w = self.world
        print("fan-out: inviting 10,000 households", flush=True)
        headers = {"Authorization": f"Bearer {w['staff_f_token']}"}
        sent_before = len(self.fake.sent)
        meeting = requests.post(f"{BASE}{API}/meetings", headers=headers, timeout=30, json={
            "community_id": w["community_f"], "kind": "courtyard", "title": "全体居民院坝会：垃圾分类方案",
            "place": "社区广场", "starts_at": "2099-01-01T19:00:00+08:00", "scope_kind": "community",
            "scope_ids": [w["community_f"]]})
        meeting.raise_for_status()
        started = time.perf_counter()
        published = requests.post(f"{BASE}{API}/meetings/{meeting.json()['id']}/publish", headers=headers,
                                  timeout=60)
        request_s = time.perf_counter() - started
        published.raise_for_status()
        with self.app.app_context():
            rows = db.session.scalar(select(func.count()).select_from(Notification).where(
                Notification.kind == "meeting_invitation"))
        rows_s = time.perf_counter() - started  # the rows are written in the request's transaction
        deadline = time.monotonic() + 600
        while len(self.fake.sent) - sent_before < rows and time.monotonic() < deadline:
            time.sleep(0.2)
        delivered = len(self.fake.sent) - sent_before
        delivered_s = time.perf_counter() - started
        households = w["community_f_households"]  # every head consented to the message
        self.checks["fan_out"] = {"households": households, "rows": rows, "delivered": delivered,
                                  "agree": rows == delivered == households}
        self.rows.append({"scenario": "fan-out: invite 10,000 households", "ops": 1, "ok": 1,
                          "request_ms": round(request_s * 1000), "rows": rows, "rows_s": round(rows_s, 2),
                          "delivered": delivered, "delivered_s": round(delivered_s, 1),
                          "delivery_rate": round(delivered / delivered_s, 1)})
        print(f"  request {request_s * 1000:.0f} ms; {rows} rows; {delivered} delivered in {delivered_s:.1f} s "
              f"({delivered / delivered_s:.0f}/s)", flush=True)

    # ---- round trips ----------------------------------------------------------------------

    def round_trips(self):
        """Round trips to PostgreSQL of one request of each kind, counted in-process through
        tests/pgproxy.py: the app made from gunicorn's environment but for DATABASE_URL, pointed
        through the proxy. Each request follows one like it (another resident's, for the writes),
        so the pool has its connection and what is paid once per connection is not counted. The
        ballot goes to the seed's second poll, which nobody has voted in."""
        from app import create_app
        from app.extensions import db
        from bench import baseline
        w, voters = self.world, self.world["voter_tokens"]

        def ballot(token):
            return {"method": "POST", "path": f"{API}/polls/{w['probe_poll']}/ballots", "token": token,
                    "key": str(uuid.uuid4()),
                    "json": {"answers": [{"question_id": w["probe_question"], "choices": [0]}]}}

        url = make_url(self.env["DATABASE_URL"])
        with RoundTripProxy(url.host, url.port or 5432) as proxy:
            os.environ["DATABASE_URL"] = baseline.app.config["DATABASE_URL"] = proxy.url(self.env["DATABASE_URL"])
            try:
                app = create_app()
            finally:
                os.environ["DATABASE_URL"] = self.env["DATABASE_URL"]
            client, bare = app.test_client(), baseline.app.test_client()
            insert = {"method": "POST", "path": "/insert"}
            probes = [("baseline: SELECT 1 + INSERT + COMMIT", bare, insert, insert),
                      ("cast a ballot", client, ballot(voters[-2]), ballot(voters[-1])),
                      ("report a matter (text)", client, *self._submissions(voters[-4:-2]))]
            probes += [(f"read {name}", client, ops[0], ops[0]) for name, ops in self._read_ops().items()]
            counts = {}
            for name, via, warm_up, measured in probes:
                _send(via, warm_up)
                proxy.reset()
                status = _send(via, measured)
                counts[name] = proxy.round_trips if status < 300 else f"HTTP {status}"
            with app.app_context():
                db.engine.dispose()
        self.round_trip_counts = counts
        print(f"round trips to PostgreSQL per request: {json.dumps(counts, ensure_ascii=False)}", flush=True)

    # ---- the report -----------------------------------------------------------------------

    def report(self):
        by_path = {}
        for row in self.rows:
            if row.get("path"):
                by_path.setdefault(row["path"], {})[row["size"], row["load"]] = row
        growth = {}
        for path, rows in by_path.items():
            figures = {}
            for load in ("single", "half", "saturated"):
                small, large = rows.get(("1,000 matters", load)), rows.get(("200,000 matters", load))
                key = "throughput" if load == "saturated" else "p50_ms"
                if small and large and small[key]:
                    figures[load] = {"1k": small[key], "200k": large[key], "ratio": round(large[key] / small[key], 2)}
            growth[path] = figures
        for row in self.rows:
            if "throughput" in row:
                row.update({f"vs_{name}": round(row["throughput"] / base, 4) for name, base in self.baselines.items()})
        results = {"baselines": self.baselines, "insert_ceilings": self.insert_ceilings, "rows": self.rows, "growth": growth,
                   "round_trips": self.round_trip_counts, "checks": self.checks, "quick": self.quick,
                   "machine": {"cpus": os.cpu_count(), "gunicorn": _gunicorn_settings(), "rq_workers": self.rq_workers}}
        self.out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
        print()
        print(f"{'':58} {'':>8} {'':>8} {'':>8} {'':>8} {'':>8} {'CPU ms per request':>17}")
        print(f"{'scenario':58} {'ops/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'× hello':>8} {'× insert':>8} "
              f"{'app':>8} {'PG':>8}")
        for row in self.rows:
            if "throughput" in row:
                print(f"{row['scenario']:58} {row['throughput']:8.1f} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f} "
                      f"{row['vs_hello']:8.1%} {row['vs_insert']:8.1%} {row['app_cpu_ms']:8.2f} {row['pg_cpu_ms']:8.2f}")
            else:
                print(f"{row['scenario']:58} request {row['request_ms']} ms; {row['rows']} rows at "
                      f"{row['rows_s']} s; {row['delivered']} delivered in {row['delivered_s']} s "
                      f"({row['delivery_rate']}/s)")
        print(f"write ceiling: {' and '.join(f'{value}/s' for value in self.insert_ceilings)} (at the start, "
              f"after the writes); × insert against their mean, {self.baselines['insert']}/s")
        print()
        for path, figures in growth.items():
            single, half, saturated = (figures.get(load, {}) for load in ("single", "half", "saturated"))
            print(f"growth {path:18} p50 one client {single.get('1k')} → {single.get('200k')} ms "
                  f"(× {single.get('ratio')}); p50 at half load × {half.get('ratio')}; "
                  f"saturated throughput × {saturated.get('ratio')}")
        print()
        for name, count in self.round_trip_counts.items():
            print(f"round trips to PostgreSQL, {name:40} {count}")
        print(f"checks: {json.dumps(self.checks, ensure_ascii=False)}")
        print(f"written to {self.out}")


def _send(client, op):
    """One of the load generator's request ops, through a Flask test client; its status."""
    headers = {"Authorization": f"Bearer {op['token']}"} if op.get("token") else {}
    if op.get("key"):
        headers["Idempotency-Key"] = op["key"]
    return client.open(op["path"], method=op.get("method", "GET"), headers=headers, json=op.get("json")).status_code


def _cpu_seconds(master):
    """CPU seconds (user + system) spent so far by a gunicorn — its master and its workers, live
    or exited (the master holds its reaped children's) — and by PostgreSQL: every process named
    postgres (the postmaster likewise holds its exited backends'). From /proc/<pid>/stat."""
    app = pg = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                head, _, tail = stat.read().rpartition(")")  # the name, in parentheses, may hold anything
        except OSError:  # gone meanwhile
            continue
        fields = tail.split()  # from the state (the stat's third field) on
        ticks = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
        if master in (int(entry.name), int(fields[1])):
            app += ticks
        elif head.partition("(")[2] == "postgres":
            pg += ticks
    return {"app": app / CLOCK_TICKS, "pg": pg / CLOCK_TICKS}


def _gunicorn_settings():
    import multiprocessing
    return {"workers": int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)),
            "threads": int(os.environ.get("GUNICORN_THREADS", 4))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests: a smoke run of the harness")
    parser.add_argument("--rq-workers", type=int, default=2, help="rq worker processes delivering notifications")
    parser.add_argument("--out", default=str(ROOT / "build" / "bench" / "results.json"))
    args = parser.parse_args()
    bench = Bench(args.quick, args.out, args.rq_workers)
    try:
        bench.run()
    finally:
        bench.close()


if __name__ == "__main__":
    main()
