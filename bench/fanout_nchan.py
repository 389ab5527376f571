"""nginx with the Nchan module, one worker: a mature publish/subscribe server to set Livefeed
beside, as well as the raw-asyncio floor. Measured only when Debian's packages of both are
installed (``apt-get install nginx libnginx-mod-nchan``).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from fanout_load import Publisher
from fanout_servers import HEARTBEAT_SECONDS, HOST, SLUG, Server, free_port, launch

NGINX = Path("/usr/sbin/nginx")
NCHAN_MODULE = Path("/usr/lib/nginx/modules/ngx_nchan_module.so")

NGINX_CONF = """\
load_module {module};
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile {files};
user root;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{
    worker_connections {files};
}}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen {host}:{port} backlog=2048;
        location ~ ^/sub/(\\w+)$ {{
            nchan_subscriber eventsource;
            nchan_channel_id $1;
            nchan_eventsource_ping_interval {heartbeat};
        }}
        location ~ ^/pub/(\\w+)$ {{
            nchan_publisher;
            nchan_channel_id $1;
        }}
    }}
}}
"""


def nchan_installed() -> bool:
    return NGINX.exists() and NCHAN_MODULE.exists()


def start_nchan(workdir: Path, files: int) -> Server:
    port = free_port()
    prefix = workdir / "nginx"
    prefix.mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            module=NCHAN_MODULE,
            files=files,
            prefix=prefix,
            host=HOST,
            port=port,
            heartbeat=HEARTBEAT_SECONDS,
        )
    )
    command = [str(NGINX), "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
    process, log = launch(command, workdir, "nchan", {})

    def message_id(body: bytes) -> bytes:
        return str(json.loads(body)["last_message_id"]).encode()

    headers = {"Accept": "application/json"}
    server = Server(
        "nchan",
        process,
        port,
        f"/sub/{SLUG}",
        lambda: Publisher(HOST, port, f"/pub/{SLUG}", headers, message_id),
        log,
    )
    server.wait_ready()
    return server


def nginx_version() -> str:
    if not NGINX.exists():
        return ""
    done = subprocess.run([str(NGINX), "-v"], capture_output=True, text=True, check=False)
    return done.stderr.strip()
