"""Fan-out across two ``livefeed serve`` instances sharing PostgreSQL and Redis.

``fanout.py --instances 2 --readers 36000`` lands here. It makes a scratch PostgreSQL database
(dropped afterwards), starts a private ``redis-server`` on a free loopback port and two
``livefeed serve`` processes on two ports, both on that database and that Redis; instance A on
core 0, instance B on core 1. Two load processes (``fanout_load_process.py``), one per instance
and pinned to the other core, each hold half the readers from source addresses of their own
(127.0.1.x for A, 127.0.2.x for B), and every reader keeps the ids it received in order.

Posts are published through A's API only: ``steady`` posts at ``rate`` a second, then a burst
back to back. Readers on B get them through Redis (A announces the commit, B reads the event
from the database and writes it to its readers). Then each load process checks, reader by
reader, that every post arrived once and in order, and gives the latency from just before the
API call to the kernel's receive time (``SO_TIMESTAMPNS``).
"""

from __future__ import annotations

import json
import os
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

import numpy as np
from fanout_load_process import Load
from fanout_posts import post_body
from fanout_servers import (
    HOST,
    Server,
    cpu_seconds,
    free_port,
    launch,
    livefeed_server,
    prepare_site,
)

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "fanout-cluster.json"
REDIS = Path("/usr/bin/redis-server")
POSTGRES_ADMIN = os.environ.get("FANOUT_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
NAMES = ("A", "B")
SOURCE_PREFIX = {"A": "127.0.1", "B": "127.0.2"}
FILES = 65536


@dataclass
class ClusterOptions:
    readers: int = 36_000
    steady_posts: int = 20
    steady_rate: float = 4.0
    burst_posts: int = 20
    concurrency: int = 200


@dataclass
class Instance:
    name: str
    core: int
    readers: int
    connected: int = 0
    connect_seconds: float = 0.0
    rss_before: int = 0
    rss_after: int = 0
    bytes_per_reader: float = 0.0
    steady_cpu_s: float = 0.0
    burst_cpu_s: float = 0.0
    load: dict[str, Any] = field(default_factory=dict)


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    command = [str(REDIS), "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"]
    command += ["--dir", str(workdir), "--maxclients", "1000"]
    log = (workdir / "redis.log").open("wb")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    for _ in range(100):
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not listen")


def start_instance(
    name: str, workdir: Path, env: dict[str, str], port: int, core: int, token: str
) -> Server:
    site = workdir / name
    site.mkdir()
    command = [str(Path(sys.executable).parent / "livefeed"), "serve", "--workers", "1"]
    command += ["--host", HOST, "--port", str(port)]
    process, log = launch(command, site, f"livefeed-{name}", env, core)
    server = livefeed_server(f"livefeed-{name}", process, port, token, log)
    server.wait_ready()
    return server


def settle(servers: list[Server], quiet: float = 0.02, longest: float = 15.0) -> None:
    deadline = perf_counter() + longest
    while perf_counter() < deadline:
        before = [s.cpu() for s in servers]
        time.sleep(0.5)
        if all(cpu_seconds(b, s.cpu()) < quiet * 0.5 for b, s in zip(before, servers, strict=True)):
            return


def run_cluster(options: ClusterOptions, workdir: Path) -> dict[str, Any]:
    def payload(number: int) -> bytes:
        return json.dumps({"headline": f"Update {number}", "body": post_body(number)}).encode()

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (FILES, FILES))
    except (ValueError, PermissionError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    per_instance = options.readers // 2
    database = f"fanout_{secrets.token_hex(4)}"
    admin(f"CREATE DATABASE {database}")
    redis, redis_port = start_redis(workdir)
    servers: list[Server] = []
    loads: list[Load] = []
    instances = [Instance(name, core, per_instance) for core, name in enumerate(NAMES)]
    try:
        database_url = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{database}"
        ports = [free_port() for _ in NAMES]
        env, token = prepare_site(workdir, ports[0], database_url)
        env["LIVEFEED_REDIS_URL"] = f"redis://{HOST}:{redis_port}/0"
        for instance, port in zip(instances, ports, strict=True):
            servers.append(start_instance(instance.name, workdir, env, port, instance.core, token))
        print(
            f"two instances on {database}, Redis on port {redis_port}, "
            f"{files:,} descriptors a process",
            flush=True,
        )
        publisher = servers[0].publisher()
        publisher.publish(payload(0))
        settle(servers)
        for instance, server in zip(instances, servers, strict=True):
            instance.rss_before = server.rss()
            # The load for an instance runs on the other core.
            loads.append(
                Load(
                    SOURCE_PREFIX[instance.name],
                    server.port,
                    per_instance,
                    1 - instance.core,
                    options.concurrency,
                )
            )
        connected = Load.ask_all(loads, {"do": "connect"})
        for instance, answer in zip(instances, connected, strict=True):
            instance.connected, instance.connect_seconds = answer["connected"], answer["seconds"]
            print(
                f"  {instance.name}: {instance.connected:,} of {per_instance:,} connected "
                f"in {answer['seconds']:.1f} s",
                flush=True,
            )
        settle(servers)
        for instance, server in zip(instances, servers, strict=True):
            instance.rss_after = server.rss()
            instance.bytes_per_reader = (instance.rss_after - instance.rss_before) / max(
                1, instance.connected
            )

        cpu = [s.cpu() for s in servers]
        bodies = [payload(n + 1) for n in range(options.steady_posts)]
        steady = publisher.run(bodies, options.steady_rate)
        waits = Load.ask_all(
            loads, {"do": "wait", "keys": [k.decode() for k, _, _ in steady], "timeout": 60}
        )
        print(
            f"  steady: {[w['got'] for w in waits]} of {[w['expected'] for w in waits]}", flush=True
        )
        for instance, server, before in zip(instances, servers, cpu, strict=True):
            instance.steady_cpu_s = cpu_seconds(before, server.cpu())
        settle(servers)

        cpu = [s.cpu() for s in servers]
        bodies = [payload(1000 + n) for n in range(options.burst_posts)]
        burst = publisher.run(bodies, None)
        waits = Load.ask_all(
            loads, {"do": "wait", "keys": [k.decode() for k, _, _ in burst], "timeout": 120}
        )
        print(
            f"  burst: {[w['got'] for w in waits]} of {[w['expected'] for w in waits]}", flush=True
        )
        for instance, server, before in zip(instances, servers, cpu, strict=True):
            instance.burst_cpu_s = cpu_seconds(before, server.cpu())
        publisher.close()

        calls = steady + burst
        report = Load.report(steady, burst)
        for instance, answer in zip(instances, Load.ask_all(loads, report), strict=True):
            instance.load = answer
        logs = {s.name: s.log_tail(15) for s in servers}
        return {
            "instances": [asdict(i) for i in instances],
            "publish_ms_median": 1000 * float(np.median([took for _, _, took in calls])),
            "steady_publish_ms_median": 1000 * float(np.median([t for _, _, t in steady])),
            "files_per_process": files,
            "server_logs_tail": logs,
        }
    finally:
        for load in loads:
            load.stop()
        for server in servers:
            server.stop()
        redis.terminate()
        redis.wait(10)
        admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def print_cluster(results: dict[str, Any]) -> None:
    rows = [
        ("readers held", lambda i: f"{i['connected']:,} of {i['readers']:,}"),
        ("connect time, s", lambda i: f"{i['connect_seconds']:.1f}"),
        ("server memory per reader, KB", lambda i: f"{i['bytes_per_reader'] / 1024:.1f}"),
        (
            "deliveries received",
            lambda i: f"{i['load']['delivered']:,} of {i['load']['expected']:,}",
        ),
        (
            "readers with every post, in order, once",
            lambda i: f"{i['load']['complete_in_order_once']:,}",
        ),
        ("readers missing a post", lambda i: f"{i['load']['missing_some']:,}"),
        (
            "readers out of order / duplicates",
            lambda i: f"{i['load']['out_of_order']} / {i['load']['duplicates']}",
        ),
        (
            "disconnected by the end",
            lambda i: f"{i['load']['readers'] - i['load']['open_at_end']:,}",
        ),
        ("steady latency p50, ms", lambda i: f"{i['load']['steady_p50_ms']:.1f}"),
        ("steady latency p99, ms", lambda i: f"{i['load']['steady_p99_ms']:.1f}"),
        ("steady latency max, ms", lambda i: f"{i['load']['steady_max_ms']:.1f}"),
        (
            "burst, first call to last arrival, ms",
            lambda i: f"{i['load']['burst_first_call_to_last_arrival_ms']:,.0f}",
        ),
        (
            "server CPU, steady / burst, s",
            lambda i: f"{i['steady_cpu_s']:.2f} / {i['burst_cpu_s']:.2f}",
        ),
    ]
    instances = results["instances"]
    print(
        f"\n| {'':42} | " + " | ".join(f"{i['name']} (core {i['core']})" for i in instances) + " |"
    )
    for label, cell in rows:
        print(f"| {label:42} | " + " | ".join(cell(i) for i in instances) + " |")
    print(
        f"publish call median {results['publish_ms_median']:.1f} ms "
        f"(steady {results['steady_publish_ms_median']:.1f} ms)"
    )


def main_cluster(readers: int, rate: float, command: str, revision: str) -> None:
    options = ClusterOptions(readers=readers, steady_rate=rate)
    started = time.time()
    load_average = Path("/proc/loadavg").read_text().split()[:3]
    with tempfile.TemporaryDirectory(prefix="fanout-cluster-") as workdir:
        results = run_cluster(options, Path(workdir))
    results |= {
        "command": command,
        "options": asdict(options),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 1),
        "load_average_at_start": load_average,
        "revision": revision,
    }
    print_cluster(results)
    RESULTS.parent.mkdir(exist_ok=True)
    results_file = RESULTS.with_name(f"fanout-cluster-{rate:g}.json")
    results_file.write_text(json.dumps(results, indent=1) + "\n")
    print(f"results: {results_file.relative_to(BENCH.parent)}")
