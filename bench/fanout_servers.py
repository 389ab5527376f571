"""The servers the fan-out benchmark compares, each a subprocess pinned to core 0.

- ``floor``: ``fanout_floor.py``, the raw-asyncio lower bound;
- ``nchan``: Debian's nginx with the Nchan module, one worker, when both are installed (its
  configuration and start in ``fanout_nchan.py``);
- ``livefeed``: ``livefeed serve`` itself on a fresh SQLite database with a feed, an editor and
  an API token made through the use cases;
- ``bare``: ``fanout_bare.py``, one Starlette route under uvicorn, for the polling comparison.

A :class:`Server` also reads what the kernel says the processes cost: CPU time from
``/proc/<pid>/task/<tid>/schedstat`` (nanoseconds) checked against ``/proc/<pid>/stat`` (which
also counts threads that ended, in 10 ms ticks), and resident memory from ``/proc/<pid>/status``.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from fanout_load import Publisher

from livefeed.access import accounts
from livefeed.domain.users import Role
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store.migrate import upgrade

BENCH = Path(__file__).resolve().parent
HOST = "127.0.0.1"
SLUG = "bench"
SERVER_CORE = 0
HEARTBEAT_SECONDS = 15
TICK = os.sysconf("SC_CLK_TCK")


# Other work on a shared machine gets a smaller share of the two cores while we measure. With
# the scheduler's autogroups (one per session) a process's own nice value only counts inside its
# session, so each server gets a session of its own and the session its priority.
NICE = -20
PR_SET_PDEATHSIG = 1


def raise_priority() -> str | None:
    """Favour this process and its session; the session's nice value before, to restore."""
    with contextlib.suppress(PermissionError):
        os.setpriority(os.PRIO_PROCESS, 0, NICE)
    autogroup = Path("/proc/self/autogroup")
    try:
        before = autogroup.read_text().split()[-1]
        autogroup.write_text(str(NICE))
    except OSError:
        return None
    return before


def restore_priority(before: str | None) -> None:
    if before is not None:
        with contextlib.suppress(OSError):
            Path("/proc/self/autogroup").write_text(before)


def pin_to_core(core: int | None) -> None:
    """In a child process before it starts: one core (``None``: any), priority, and an end
    with ours."""
    if core is not None:
        os.sched_setaffinity(0, {core})
    raise_priority()
    # Should this process be killed outright, the server goes too.
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class CpuSample:
    """Per thread: nanoseconds on a CPU and nanoseconds runnable but waiting for one."""

    threads: dict[int, int]
    waits: dict[int, int]
    ticks: int


def sample_tasks(pids: list[int]) -> CpuSample:
    threads: dict[int, int] = {}
    waits: dict[int, int] = {}
    ticks = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
            for task in Path(f"/proc/{pid}/task").iterdir():
                ran, waited, _ = (task / "schedstat").read_text().split()
                threads[int(task.name)] = int(ran)
                waits[int(task.name)] = int(waited)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return CpuSample(threads, waits, ticks)


@dataclass
class Server:
    """One running server: where readers connect, how to publish, and what it costs."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    events_path: str
    publisher: Callable[[], Publisher]
    log: Path
    pids: list[int] = field(default_factory=list)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start:\n{self.log_tail()}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"{self.name} did not listen in {timeout:.0f} s:\n{self.log_tail()}")
        # nginx forks its worker after it listens; count every process of the server.
        time.sleep(0.3)
        self.pids = [self.process.pid, *children(self.process.pid)]

    def cpu(self) -> CpuSample:
        return sample_tasks(self.pids)

    def rss(self) -> int:
        """Resident bytes of all the server's processes."""
        total = 0
        for pid in self.pids:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        return total

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def cpu_seconds(before: CpuSample, after: CpuSample) -> float:
    """CPU time between two samples.

    Per-thread nanoseconds are exact but lose a thread that ended in between (uvicorn's worker
    threads end after a while idle); the process ticks keep it, at 10 ms resolution. Take the
    exact figure unless the ticks show clearly more.
    """
    exact = sum(ns - before.threads.get(tid, 0) for tid, ns in after.threads.items()) / 1e9
    coarse = (after.ticks - before.ticks) / TICK
    return coarse if coarse - exact > 3 / TICK else exact


def wait_seconds(before: CpuSample, after: CpuSample) -> float:
    """Time threads were ready to run but another process had the CPU."""
    return sum(ns - before.waits.get(tid, 0) for tid, ns in after.waits.items()) / 1e9


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def launch(
    command: list[str],
    workdir: Path,
    name: str,
    env: dict[str, str],
    core: int | None = SERVER_CORE,
) -> tuple[subprocess.Popen[bytes], Path]:
    log = workdir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=workdir,
            env=os.environ | env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=partial(pin_to_core, core),
        )
    return process, log


def start_floor(workdir: Path) -> Server:
    port = free_port()
    script = BENCH / "fanout_floor.py"
    command = [sys.executable, str(script), "--port", str(port)]
    command += ["--heartbeat", str(HEARTBEAT_SECONDS)]
    process, log = launch(command, workdir, "floor", {})
    server = Server(
        "floor",
        process,
        port,
        f"/feeds/{SLUG}/events",
        lambda: Publisher(HOST, port, "/publish", {}, lambda body: json.loads(body)["id"].encode()),
        log,
    )
    server.wait_ready()
    return server


def prepare_site(
    workdir: Path, port: int, database_url: str | None = None
) -> tuple[dict[str, str], str]:
    """A migrated site with an editor, an API token and the live feed ``bench``: a fresh SQLite
    file in ``workdir`` unless ``database_url`` names an (empty) database."""
    env = {
        "LIVEFEED_DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.db'}",
        "LIVEFEED_PUBLIC_URL": f"http://{HOST}:{port}",
        "LIVEFEED_SEED_DEMO": "false",
        # The load comes from eight loopback addresses: no per-address cap may refuse it.
        "LIVEFEED_CONNECTIONS_PER_CLIENT": "100000",
    }
    svc = Services.build(Settings.from_env(env, env_file=None))
    try:
        upgrade(svc.db)
        email = "editor@bench.example"
        user = accounts.add_user(svc, email, secrets.token_urlsafe(18), role=Role.ADMIN)
        token = accounts.create_token(svc, email, "bench")
        publishing.create_feed(svc, user, {"slug": SLUG, "title": "Bench", "timezone": "UTC"})
    finally:
        svc.close()
    return env, token


def start_livefeed(workdir: Path, extra: list[str] | None = None) -> Server:
    """``livefeed serve`` on a fresh site; ``extra`` adds options (``--workers 2``)."""
    port = free_port()
    site = workdir / "livefeed"
    site.mkdir()
    env, token = prepare_site(site, port)
    command = [str(Path(sys.executable).parent / "livefeed"), "serve", "--workers", "1"]
    command += ["--host", HOST, "--port", str(port), *(extra or [])]
    process, log = launch(command, site, "livefeed", env)
    server = livefeed_server("livefeed", process, port, token, log)
    server.wait_ready()
    return server


def livefeed_server(
    name: str, process: subprocess.Popen[bytes], port: int, token: str, log: Path
) -> Server:
    """A started ``livefeed serve``: its readers' path, and a publisher through its API."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return Server(
        name,
        process,
        port,
        f"/feeds/{SLUG}/events",
        lambda: Publisher(
            HOST,
            port,
            f"/api/v1/feeds/{SLUG}/posts",
            headers,
            lambda body: str(json.loads(body)["seq"]).encode(),
        ),
        log,
    )


def start_bare(workdir: Path) -> Server:
    port = free_port()
    command = [sys.executable, str(BENCH / "fanout_bare.py"), "--port", str(port)]
    process, log = launch(command, workdir, "bare", {})

    def no_publisher() -> Publisher:
        raise RuntimeError("the bare handler publishes nothing")

    server = Server("bare", process, port, "", no_publisher, log)
    server.wait_ready()
    return server
