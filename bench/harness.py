"""Serve the project with one gunicorn sync worker on loopback and load it with wrk.

``compare`` alternates a target request with a baseline request several times and reports the
median ratio of their throughputs, so that the figure is about the code, not the machine.
"""

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: dict | None = None


@dataclass
class Measurement:
    rps: float
    p99_ms: float


@dataclass
class Comparison:
    name: str
    goal: float
    target: list[Measurement] = field(default_factory=list)
    baseline: list[Measurement] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        pairs = zip(self.target, self.baseline, strict=True)
        return statistics.median(t.rps / b.rps for t, b in pairs)

    def line(self) -> str:
        target_rps = statistics.median(m.rps for m in self.target)
        base_rps = statistics.median(m.rps for m in self.baseline)
        target_p99 = statistics.median(m.p99_ms for m in self.target)
        base_p99 = statistics.median(m.p99_ms for m in self.baseline)
        verdict = "ok" if self.ratio >= self.goal else "BELOW GOAL"
        return (
            f"{self.name}: {target_rps:.0f} req/s (p99 {target_p99:.1f} ms) vs baseline "
            f"{base_rps:.0f} req/s (p99 {base_p99:.1f} ms); median ratio {self.ratio:.2f} "
            f"(goal >= {self.goal}) {verdict}"
        )


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                       stdout=subprocess.DEVNULL)
        return shutil.which("wrk") or sys.exit("wrk could not be installed")
    sys.exit("These benchmarks need wrk (Debian: apt-get install wrk).")


class Server:
    """A fresh SQLite database, seeded by ``seed`` ("module:function"), served by gunicorn."""

    def __init__(self, seed: str | None = None, workers: int = 1):
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-"))
        self.seed = seed
        self.workers = workers
        self.env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="bench.settings",
            DATABASE_URL=f"sqlite:///{self.tmp}/bench.sqlite3",
            DEBUG="false",
            SECRET_KEY="benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        self.process = None
        self.token = ""

    def django(self, code: str) -> str:
        run = subprocess.run(
            [PYTHON, "-c", f"import django; django.setup()\n{code}"],
            cwd=ROOT, env=self.env, capture_output=True, text=True,
        )
        if run.returncode:
            sys.exit(f"benchmark set-up failed:\n{run.stderr[-2000:]}")
        return run.stdout

    def __enter__(self):
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0", "--noinput"], cwd=ROOT,
                       env=self.env, check=True)
        subprocess.run([PYTHON, "manage.py", "collectstatic", "-v0", "--noinput"], cwd=ROOT,
                       env=self.env, check=True)
        subprocess.run([PYTHON, "manage.py", "createcachetable"], cwd=ROOT, env=self.env,
                       check=True)
        if self.seed:
            module, function = self.seed.split(":")
            self.django(f"from {module} import {function}; {function}()")
        self.token = self.django(
            "from registry.api.authentication import api_token_create\n"
            "token, key = api_token_create(name='bench')\n"
            "token.rate_limit = 0\ntoken.save()\nprint(key)"
        ).strip()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "bench" / "gunicorn_conf.py"),
             "-w", str(self.workers), "-k", "sync", "-b", f"127.0.0.1:{self.port}",
             "config.wsgi"],
            cwd=ROOT, env=self.env, start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        sys.exit("gunicorn did not start")

    def __exit__(self, *exc):
        if self.process:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call(self, request: Request) -> tuple[int, bytes]:
        """One request, to check that a target answers before it is measured."""
        data = json.dumps(request.body).encode() if request.body is not None else None
        req = urllib.request.Request(self.url + request.path, data=data, method=request.method)
        req.add_header("Authorization", f"Token {self.token}")
        req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


def _wrk(server: Server, request: Request, seconds: float, connections: int) -> Measurement:
    wrk = ensure_wrk()
    script = server.tmp / f"req-{request.method}-{abs(hash(request.path))}.lua"
    lines = [f'wrk.method = "{request.method}"',
             f'wrk.headers["Authorization"] = "Token {server.token}"']
    if request.body is not None:
        lines.append('wrk.headers["Content-Type"] = "application/json"')
        lines.append(f"wrk.body = {json.dumps(json.dumps(request.body))}")
    script.write_text("\n".join(lines) + "\n")
    out = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
         server.url + request.path],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        sys.exit(f"{request.method} {request.path} answered errors under load:\n{out}")
    return Measurement(rps=rps, p99_ms=float(p99.group(1)) * scale)


def compare(server: Server, name: str, target: Request, baseline: Request, *, goal: float,
            rounds: int = 5, seconds: float = 3, connections: int = 4) -> Comparison:
    """Alternate target and baseline ``rounds`` times; the median ratio is the figure."""
    for request in (target, baseline):
        status, body = server.call(request)
        if status >= 300:
            sys.exit(f"{request.method} {request.path} answered {status}: {body[:300]!r}")
    result = Comparison(name=name, goal=goal)
    _wrk(server, baseline, 1, connections)  # warm up
    for _ in range(rounds):
        result.target.append(_wrk(server, target, seconds, connections))
        result.baseline.append(_wrk(server, baseline, seconds, connections))
    print(result.line(), flush=True)
    return result
