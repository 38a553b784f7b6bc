"""The deployment of issue 18 on one machine, for `bench/scaleout.py` and `tests/test_scaleout.py`:
a redis-server of its own on a free port, N gunicorn app servers, M huey consumers and Debian's
nginx in front, every process in its own process group, everything under one temporary directory.

    with Cluster(database_url, app_env) as cluster:
        cluster.start_redis()
        cluster.start_apps(2)
        cluster.start_consumers(2)
        port = cluster.start_proxy()
        ...  # load through `port`; cluster.kill_app(0), cluster.stop_redis(), ...

Nothing here imports Django: the caller says which database and which environment the servers get.
The machine's own Redis (6379) and nginx are never touched: the proxy is a non-daemon master with
its own configuration, pid and logs, on an unprivileged port.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

# The proxy (README, Operations: "Several app servers"). Two policies, one per kind of request:
# - anything (GET, or a POST whose request never reached an app server: connection refused) goes to
#   the other app server on `error timeout`;
# - a POST that an app server may already have received is repeated elsewhere only when it carries
#   an Idempotency-Key: the API then runs it once (aduan/api/guard.py: the key's claim, the work and
#   the stored reply commit together; a repeat waits for the first, then replays its reply). A
#   form or an Open311 POST without one is not repeated (a 502): its sender decides.
NGINX_CONF = """\
daemon off;
master_process on;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
{user}
events {{ worker_connections 1024; }}

http {{
    log_format upstreams '$remote_addr "$request" $status $request_time '
                         'upstream=$upstream_addr upstream_status=$upstream_status';
    access_log {dir}/nginx-access.log upstreams;
    client_body_temp_path {dir}/nginx-body;
    proxy_temp_path {dir}/nginx-proxy;
    fastcgi_temp_path {dir}/nginx-fastcgi;
    uwsgi_temp_path {dir}/nginx-uwsgi;
    scgi_temp_path {dir}/nginx-scgi;
    client_max_body_size 60m;

    upstream aduan {{
{servers}
    }}

    server {{
        listen 127.0.0.1:{port};
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_connect_timeout 2s;
        proxy_read_timeout 60s;
        proxy_next_upstream_tries 2;
        # which app server answered (the tests count the answers of each)
        add_header X-Upstream $upstream_addr always;

        location / {{
            error_page 418 = @repeatable;
            if ($http_idempotency_key) {{ return 418; }}
            proxy_pass http://aduan;
            proxy_next_upstream error timeout;
        }}

        location @repeatable {{
            proxy_pass http://aduan;
            proxy_next_upstream error timeout non_idempotent;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], object], timeout: float, what: str, step: float = 0.1):
    """Poll `condition` until it returns something true; AssertionError naming `what` after
    `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)


def answers(port: int, path: str = "/livez") -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except OSError:
        return False


def missing_tools() -> list[str]:
    return [tool for tool in ("nginx", "redis-server") if not _which(tool)]


def _which(tool: str) -> str | None:
    return shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/usr/bin:/sbin")


class Cluster:
    """The processes of one run; `close()` (or leaving the `with`) ends every one of them."""

    def __init__(self, database_url: str, app_env: dict[str, str], *, workers: int = 2):
        self.dir = Path(tempfile.mkdtemp(prefix="aduan-scaleout-"))
        # nginx's worker runs as www-data when started by root: it must reach its temp paths.
        self.dir.chmod(0o755)
        self.database_url, self.app_env, self.workers = database_url, app_env, workers
        self.redis_port = free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.processes: dict[str, subprocess.Popen] = {}
        self.app_ports: list[int] = []
        self.proxy_port = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- processes -----------------------------------------------------------------------

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None):
        log = open(self.dir / f"{name}.log", "ab")  # noqa: SIM115 (kept open by the child)
        self.processes[name] = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env or os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killpg ends it and its children
        )
        log.close()
        return self.processes[name]

    def _stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        except ProcessLookupError:
            pass

    def close(self) -> None:
        for name in list(self.processes):
            self._stop(name)
        shutil.rmtree(self.dir, ignore_errors=True)

    def server_env(self) -> dict[str, str]:
        env = {
            **os.environ,
            **self.app_env,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "HUEY_IMMEDIATE": "0",
            "TRUSTED_PROXY_COUNT": "1",  # the address rate limits count is the one nginx saw
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        return env

    # --- Redis -----------------------------------------------------------------------------

    def start_redis(self) -> None:
        """Our own redis-server, without persistence: a restart loses every key and every
        queued task, the hardest case for "loses nothing"."""
        redis = _which("redis-server")
        assert redis, "redis-server not found"
        self._spawn(
            "redis",
            [
                redis,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
        )
        wait_for(self.redis_answers, 20, "redis-server to answer")

    def redis_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop_redis(self) -> None:
        self._stop("redis")
        wait_for(lambda: not self.redis_answers(), 10, "redis-server to stop")

    # --- app servers -----------------------------------------------------------------------

    def start_apps(self, count: int, *, wait: bool = True) -> None:
        for _ in range(count):
            self.app_ports.append(free_port())
            self._spawn_app(len(self.app_ports) - 1)
        if wait:
            self.wait_apps()

    def _spawn_app(self, index: int) -> None:
        self._spawn(
            f"app{index}",
            [
                str(BIN / "gunicorn"),
                "aduan.wsgi",
                "--bind",
                f"127.0.0.1:{self.app_ports[index]}",
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
                # The app is loaded before the port opens: a server (re)starting refuses
                # connections, so nginx sends nothing to it until its workers can answer.
                "--preload",
            ],
            self.server_env(),
        )

    def restart_app(self, index: int) -> None:
        """The machine is back: the same server on the same port; nginx, which keeps it in its
        upstream, tries it again once its `fail_timeout` has passed."""
        self._spawn_app(index)
        port = self.app_ports[index]
        wait_for(lambda: answers(port), 90, f"gunicorn on {port}", step=0.25)

    def wait_apps(self) -> None:
        for port in self.app_ports:
            wait_for(lambda port=port: answers(port), 90, f"gunicorn on {port}", step=0.25)

    def kill_app(self, index: int) -> None:
        """The machine dies: SIGKILL to the master and its workers at once, no shutdown."""
        self._stop(f"app{index}", signal.SIGKILL)

    # --- huey consumers --------------------------------------------------------------------

    def start_consumers(self, count: int, *, periodic: bool = True, wait: bool = True) -> None:
        for n in range(count):
            self._spawn(
                f"consumer{n}",
                [
                    sys.executable,
                    "manage.py",
                    "run_huey",
                    "--workers",
                    "2",
                    *([] if periodic else ["--no-periodic"]),
                ],
                self.server_env(),
            )
        if wait:
            self.wait_consumers()

    def wait_consumers(self) -> None:
        for name in [n for n in self.processes if n.startswith("consumer")]:
            wait_for(
                lambda name=name: b"consumer started" in self.log(name).lower(),
                90,
                f"huey {name} to start",
                step=0.25,
            )

    # --- the proxy -------------------------------------------------------------------------

    def start_proxy(self, app_indexes: list[int] | None = None) -> int:
        """nginx in front of the app servers (all, or those of `app_indexes`); its port."""
        self._stop("nginx")
        nginx = _which("nginx")
        assert nginx, "nginx not found (apt-get install nginx)"
        self.proxy_port = self.proxy_port or free_port()
        chosen = self.app_ports if app_indexes is None else [self.app_ports[i] for i in app_indexes]
        servers = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in chosen
        )
        conf = self.dir / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                dir=self.dir,
                port=self.proxy_port,
                servers=servers,
                user="user www-data;" if os.geteuid() == 0 else "",
            )
        )
        self._spawn("nginx", [nginx, "-p", str(self.dir), "-c", str(conf)])
        wait_for(lambda: answers(self.proxy_port), 20, "nginx to answer")
        return self.proxy_port

    # --- reading ---------------------------------------------------------------------------

    def log(self, name: str) -> bytes:
        path = self.dir / f"{name}.log"
        return path.read_bytes() if path.exists() else b""

    def tail(self, lines: int = 15) -> str:
        """The last lines of every log, for a failing test's message."""
        out = []
        for path in sorted(self.dir.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(out)


class FilingLoad:
    """Citizens filing through the proxy from `threads` threads, each a keep-alive connection
    posting `POST /api/v1/reports` with a new Idempotency-Key, as the app does, until `stop()`.

    `acknowledged`: (code, title, answering upstream, monotonic time) of every 201 that carried
    its tracking code; `errors`: (monotonic time, status or exception name, upstream) of every
    other answer or failed connection, as a client saw them. A client does not retry here: what
    it saw is what is counted (a phone would retry with the same key)."""

    def __init__(self, port: int, token: str, *, threads: int = 4, title: str = "Uji skala"):
        self.port, self.token, self.title = port, token, title
        self.acknowledged: list[tuple[str, str, str, float]] = []
        self.errors: list[tuple[float, str, str]] = []
        self._stop = False
        self._threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)
        ]

    def start(self) -> "FilingLoad":
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> None:
        self._stop = True
        for t in self._threads:
            t.join(60)

    def acknowledged_since(self, moment: float) -> int:
        return sum(1 for ack in list(self.acknowledged) if ack[3] >= moment)

    def _body(self, title: str) -> tuple[bytes, str]:
        boundary = uuid.uuid4().hex
        fields = {
            "title": title,
            "classification": "complaint",
            "description": "Kemarin pagi lubang besar di jalan depan pasar membuat motor jatuh.",
            "village": "52.04.08.1004",
        }
        body = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in fields.items()
        )
        return (body + f"--{boundary}--\r\n").encode(), boundary

    def _run(self, n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        i = 0
        while not self._stop:
            key = uuid.uuid4().hex
            title = f"{self.title} {n}-{i} {key[:8]}"
            body, boundary = self._body(title)
            i += 1
            try:
                conn.request(
                    "POST",
                    "/api/v1/reports",
                    body=body,
                    headers={
                        "Authorization": f"Bearer {self.token}",
                        "Idempotency-Key": key,
                        "Content-Type": f"multipart/form-data; boundary={boundary}",
                    },
                )
                response = conn.getresponse()
                content = response.read()
                upstream = (response.getheader("X-Upstream") or "").split(",")[-1].strip()
                code = ""
                if response.status == 201:
                    code = json.loads(content).get("report", {}).get("code", "")
                if code:
                    self.acknowledged.append((code, title, upstream, time.monotonic()))
                else:
                    self.errors.append((time.monotonic(), str(response.status), upstream))
            except (OSError, http.client.HTTPException, ValueError) as exc:
                self.errors.append((time.monotonic(), type(exc).__name__, ""))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.close()
