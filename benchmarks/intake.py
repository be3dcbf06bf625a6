"""Report intake under load, over real HTTP on loopback, on SQLite and on PostgreSQL.

Many clients post reports at once (a share of them retries with the same Idempotency-Key, as
flaky mobile clients do); halfway through, the server process is killed with SIGKILL and
started again, and the clients carry on (retrying what failed). Afterwards the database is
read back: every report that got a 201 must be stored exactly once, and each key must hold
the code its 201 carried. The table prints throughput and latency beside those counts (req/s
is over the whole run, the restart's downtime included); the run exits 1 if anything
acknowledged is missing or stored twice.

    .venv/bin/python benchmarks/intake.py                  # both databases, defaults
    .venv/bin/python benchmarks/intake.py --clients 16 --reports 200 --no-postgres

PostgreSQL is the local server (``--postgres-admin``, default postgres@127.0.0.1:5432); a
fresh database is created for the run and dropped after.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

TEXTS = [
    "Có người tự xưng là công an bảo em chuyển tiền và không được nói với bố mẹ",
    "Someone I met in a game keeps asking for photos and says to keep it secret",
    "Bạn cùng lớp đăng ảnh chế của em lên nhóm lớp và chửi em",
    "A stranger says he will post my pictures unless I pay him",
]


@dataclass
class Tally:
    acknowledged: dict[str, str] = field(default_factory=dict)  # key -> code
    latencies: list[float] = field(default_factory=list)
    retries: int = 0
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Server:
    """``notalone serve`` in its own process, on ``port``, against ``url``."""

    def __init__(self, url: str, port: int) -> None:
        self.url, self.port = url, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "NOTALONE_DATABASE_URL": self.url, "NOTALONE_LOG_LEVEL": "warning"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "notalone.cli", "serve", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _client(port: int, worker: int, reports: int, shared: int, tally: Tally) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for k in range(reports):
        key = f"shared-{k % shared}" if k % 5 == 0 else f"w{worker}-{k}"
        body = json.dumps({"text": f"{TEXTS[k % len(TEXTS)]} ({key})", "kind": "child"})
        while True:  # a client retries until it gets an answer, as apps do
            start = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    "/v1/reports",
                    body=body.encode("utf-8"),
                    headers={"content-type": "application/json", "Idempotency-Key": key},
                )
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with tally.lock:
                    tally.retries += 1
                time.sleep(0.05)
                continue
            elapsed = time.perf_counter() - start
            with tally.lock:
                tally.latencies.append(elapsed)
                if response.status == 201:
                    code = json.loads(payload)["code"]
                    earlier = tally.acknowledged.setdefault(key, code)
                    if earlier != code:
                        raise AssertionError(f"key {key} acknowledged with two codes")
                elif response.status == 409:
                    tally.conflicts += 1
                else:
                    raise AssertionError(f"unexpected {response.status}")
            break


def run(url: str, clients: int, reports: int, restart: bool) -> dict[str, object]:
    port = _free_port()
    server = Server(url, port)
    server.start()
    tally = Tally()
    threads = [
        threading.Thread(target=_client, args=(port, w, reports, clients, tally))
        for w in range(clients)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    if restart:
        total = clients * reports
        while len(tally.latencies) < total // 2 and any(t.is_alive() for t in threads):
            time.sleep(0.05)
        server.kill()  # in the middle of intake, without warning
        server.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    server.kill()
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT idempotency_key, code FROM reports")).all()
    engine.dispose()
    stored: dict[str, list[str]] = {}
    for key, code in rows:
        stored.setdefault(key, []).append(code)
    lost = [k for k, c in tally.acknowledged.items() if stored.get(k) != [c]]
    lat = sorted(tally.latencies)
    return {
        "requests": len(lat),
        "acknowledged_keys": len(tally.acknowledged),
        "stored": len(rows),
        "lost_or_doubled": len(lost) + sum(len(v) - 1 for v in stored.values() if len(v) > 1),
        "unacknowledged_stored": len(set(stored) - set(tally.acknowledged)),
        "retries_after_errors": tally.retries,
        "requests_per_second": len(lat) / wall,
        "p50_ms": 1000 * statistics.median(lat),
        "p99_ms": 1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))],
    }


def _postgres(admin: str) -> tuple[str, str] | None:
    try:
        import psycopg

        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            name = f"notalone_bench_{uuid.uuid4().hex[:8]}"
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        Console(stderr=True).print(f"PostgreSQL left out: {type(exc).__name__}")
        return None
    base = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    return f"{base}/{name}", name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--reports", type=int, default=150, help="per client")
    parser.add_argument("--no-restart", action="store_true", help="do not kill the server")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--postgres-admin", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    results: list[tuple[str, dict[str, object]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = f"sqlite:///{Path(tmp) / 'bench.db'}"
        results.append(("SQLite", run(sqlite, args.clients, args.reports, not args.no_restart)))
    if not args.no_postgres and (pg := _postgres(args.postgres_admin)):
        url, name = pg
        try:
            results.append(
                ("PostgreSQL", run(url, args.clients, args.reports, not args.no_restart))
            )
        finally:
            import psycopg

            with psycopg.connect(args.postgres_admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    table = Table(
        title=f"Report intake over loopback HTTP: {args.clients} clients x {args.reports} "
        f"reports, 1 in 5 retried with a shared key"
        + ("" if args.no_restart else ", server killed (SIGKILL) halfway")
    )
    columns = {
        "requests": "requests",
        "acknowledged_keys": "acked",
        "stored": "stored",
        "lost_or_doubled": "lost/doubled",
        "unacknowledged_stored": "stored unacked",
        "retries_after_errors": "retries",
        "requests_per_second": "req/s",
        "p50_ms": "p50 ms",
        "p99_ms": "p99 ms",
    }
    table.add_column("database")
    for title in columns.values():
        table.add_column(title, justify="right")
    for name, r in results:
        table.add_row(
            name, *(f"{r[c]:,.1f}" if isinstance(r[c], float) else f"{r[c]:,}" for c in columns)
        )
    Console().print(table)
    return 1 if any(r["lost_or_doubled"] for _, r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
