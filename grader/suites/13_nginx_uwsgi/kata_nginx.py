"""Real nginx for exercise 13: find it, wrap the learner's server block, test, start, stop.

The learner's nginx.conf is one `server { }` block with placeholders. The grader writes, in a
folder of its own: the main config (its `http { }` block includes the learner's file), the
learner's file with the placeholders replaced, and nginx's standard uwsgi_params. nginx runs
as `nginx -p FOLDER -c FOLDER/kata-nginx.conf`, one process (`master_process off`: as root
there is no worker to drop privileges to `nobody`, and one PID stops it), its pid file,
error log and temp folders all inside that folder, never /var/log/nginx or /run.

Maintainers: KATA_NGINX=/path/to/nginx chooses the nginx binary; when it is set to anything
that is not an executable file, the suite behaves as on a machine without nginx (that is how
tests/test_nginx_uwsgi.py proves the "nginx not found" path).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kata_servers import PORT_TRIES, PortTaken, free_port, listens_on, port_taken

NGINX_ENV = "KATA_NGINX"
NGINX_MISSING = (
    "nginx not found: install it with `sudo apt install nginx` (Debian/Ubuntu), "
    "`brew install nginx` (macOS), or in WSL on Windows"
)
# Where packages put nginx when it is not on PATH (Debian: /usr/sbin, a normal user's PATH
# often lacks it; Homebrew: /opt/homebrew or /usr/local).
KNOWN_PLACES = (
    "/usr/sbin/nginx",
    "/usr/local/sbin/nginx",
    "/usr/local/bin/nginx",
    "/opt/homebrew/bin/nginx",
    "/usr/local/nginx/sbin/nginx",
)
PLACEHOLDERS = ("{{LISTEN_PORT}}", "{{UWSGI_ADDRESS}}", "{{HTTP_BACKEND}}")
LEARNER_FILE = "13_nginx_uwsgi/nginx.conf"
# Placeholder values for the crossplane checks, which read the config without running nginx.
PARSED_LISTEN = 18001
PARSED_UWSGI = "127.0.0.1:18002"
PARSED_BACKEND = "127.0.0.1:18003"
# nginx's own conf/uwsgi_params: the grader's copy, whatever the learner did to theirs.
UWSGI_PARAMS = """
uwsgi_param  QUERY_STRING       $query_string;
uwsgi_param  REQUEST_METHOD     $request_method;
uwsgi_param  CONTENT_TYPE       $content_type;
uwsgi_param  CONTENT_LENGTH     $content_length;

uwsgi_param  REQUEST_URI        $request_uri;
uwsgi_param  PATH_INFO          $document_uri;
uwsgi_param  DOCUMENT_ROOT      $document_root;
uwsgi_param  SERVER_PROTOCOL    $server_protocol;

uwsgi_param  REMOTE_ADDR        $remote_addr;
uwsgi_param  REMOTE_PORT        $remote_port;
uwsgi_param  SERVER_PORT        $server_port;
uwsgi_param  SERVER_NAME        $server_name;
"""
MAIN_CONFIG = """\
# Written by the grader. The learner's server block is included inside http {{ }}.
daemon off;
master_process off;
worker_processes 1;
{user}pid "{folder}/nginx.pid";
error_log "{folder}/error.log" warn;
events {{
    worker_connections 128;
}}
http {{
    access_log {access_log};
    client_body_temp_path "{folder}/temp/client_body";
    proxy_temp_path "{folder}/temp/proxy";
    uwsgi_temp_path "{folder}/temp/uwsgi";
    fastcgi_temp_path "{folder}/temp/fastcgi";
    scgi_temp_path "{folder}/temp/scgi";
{timeouts}
    include nginx.conf;
}}
"""
# Short upstream timeouts while grading: a backend that never answers gives 504 in seconds.
TEST_TIMEOUTS = """\
    uwsgi_connect_timeout 3s;
    uwsgi_read_timeout 5s;
    uwsgi_send_timeout 5s;
    proxy_connect_timeout 3s;
    proxy_read_timeout 5s;
    proxy_send_timeout 5s;"""


def _user_directive() -> str:
    """As root, nginx hands its temp folders to `user` (nobody by default). Inside a user
    namespace (the grading sandbox of an unprivileged grader) root is the only uid mapped, so
    that chown fails: name root's own user and group instead. One process, root either way."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return ""  # nginx ignores `user` then, with a warning
    import grp
    import pwd

    return f"user {pwd.getpwuid(0).pw_name} {grp.getgrgid(0).gr_name};\n"


class NginxError(Exception):
    """nginx refused the configuration or did not start; the message is for the learner."""


class NginxPortTaken(NginxError, PortTaken):
    """Another program took the port picked for nginx before nginx could bind it."""


def find_nginx() -> str | None:
    override = os.environ.get(NGINX_ENV)
    if override is not None:
        return override if _executable(override) else None
    found = shutil.which("nginx")
    if found:
        return found
    return next((place for place in KNOWN_PLACES if _executable(place)), None)


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def render(learner_text: str, listen_port: int, uwsgi_address: str, http_backend: str) -> str:
    """The learner's file with its placeholders replaced (line numbers unchanged)."""
    if "{{LISTEN_PORT}}" not in learner_text:
        raise NginxError(
            f"{LEARNER_FILE} must keep `listen 127.0.0.1:{{{{LISTEN_PORT}}}};`: the grader "
            f"chooses the port nginx listens on (task 3, rule 1)."
        )
    values = {
        "{{LISTEN_PORT}}": str(listen_port),
        "{{UWSGI_ADDRESS}}": uwsgi_address,
        "{{HTTP_BACKEND}}": http_backend,
    }
    for placeholder, value in values.items():
        learner_text = learner_text.replace(placeholder, value)
    return learner_text


@dataclass
class Site:
    """A prepared nginx prefix folder: the main config, the learner's file, uwsgi_params."""

    folder: Path
    listen_port: int

    @property
    def main_config(self) -> Path:
        return self.folder / "kata-nginx.conf"

    @property
    def error_log(self) -> Path:
        return self.folder / "error.log"


def prepare(
    folder: Path,
    learner_text: str,
    listen_port: int,
    uwsgi_address: str,
    http_backend: str,
    grading: bool = True,
) -> Site:
    folder = Path(folder).resolve()
    (folder / "temp").mkdir(parents=True, exist_ok=True)
    (folder / "logs").mkdir(exist_ok=True)  # some builds open logs/error.log before the config
    access_log = "off" if grading else f'"{folder}/access.log"'
    (folder / "kata-nginx.conf").write_text(
        MAIN_CONFIG.format(
            folder=folder.as_posix(),
            access_log=access_log,
            timeouts=TEST_TIMEOUTS if grading else "",
            user=_user_directive(),
        ),
        encoding="utf-8",
    )
    (folder / "nginx.conf").write_text(
        render(learner_text, listen_port, uwsgi_address, http_backend), encoding="utf-8"
    )
    (folder / "uwsgi_params").write_text(UWSGI_PARAMS, encoding="utf-8")
    return Site(folder, listen_port)


def _base_command(nginx: str, site: Site) -> list[str]:
    command = [nginx, "-p", f"{site.folder.as_posix()}/", "-c", str(site.main_config)]
    if _version(nginx) >= (1, 19, 5):
        command += ["-e", str(site.error_log)]  # not even a start-up line in /var/log/nginx
    return command


_VERSIONS: dict[str, tuple[int, ...]] = {}


def _version(nginx: str) -> tuple[int, ...]:
    if nginx not in _VERSIONS:
        try:
            shown = subprocess.run([nginx, "-v"], capture_output=True, text=True, timeout=10).stderr
        except (OSError, subprocess.TimeoutExpired):
            shown = ""
        found = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", shown)
        _VERSIONS[nginx] = tuple(int(part) for part in found.groups()) if found else (0,)
    return _VERSIONS[nginx]


def learner_words(text: str, site: Site) -> str:
    """nginx's message with the grader's paths replaced by the learner's file name."""
    text = text.replace(str(site.folder / "nginx.conf"), LEARNER_FILE)
    text = text.replace(f"{site.folder.as_posix()}/nginx.conf", LEARNER_FILE)
    return text.replace(site.folder.as_posix(), "<nginx folder>").strip()


def check_config(nginx: str, site: Site) -> None:
    """`nginx -t`: raises NginxError with nginx's own words when the config is refused."""
    completed = subprocess.run(
        [*_base_command(nginx, site), "-t", "-q"],
        capture_output=True,
        text=True,
        timeout=20,
        stdin=subprocess.DEVNULL,
    )
    if completed.returncode != 0:
        said = learner_words(completed.stderr or completed.stdout, site)
        raise NginxError(
            f"`nginx -t` refused your {LEARNER_FILE} (task 3, rule 1). nginx said:\n{said}"
        )


class RunningNginx:
    """One nginx process for a prepared site; stop() ends it by its PID."""

    def __init__(self, nginx: str, site: Site, **popen):
        self.site = site
        self.output = site.folder / "nginx.out"
        with open(self.output, "wb") as sink:
            self.process = subprocess.Popen(
                _base_command(nginx, site),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                **popen,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.site.listen_port}{path}"

    def wait_until_listening(self, seconds: float = 10.0) -> None:
        """Until nginx itself listens on the site's port: another program answering there is
        not nginx (NginxPortTaken as soon as nginx says the port is taken)."""
        port = self.site.listen_port
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise NginxError(
                    f"nginx stopped at start-up (exit code {self.process.returncode}):\n"
                    + learner_words(self.startup_output(), self.site)
                )
            if listens_on(self.pid, port):
                return
            if port_taken(self.startup_output(), port):
                raise NginxPortTaken(
                    f"nginx could not listen on 127.0.0.1:{port}: another program took the port"
                )
            time.sleep(0.01)
        raise NginxError(
            f"nginx did not listen on 127.0.0.1:{self.site.listen_port} within {seconds:.0f} s. "
            f"Does your server block keep `listen 127.0.0.1:{{{{LISTEN_PORT}}}};` (task 3, rule 1)?"
        )

    def startup_output(self) -> str:
        parts = [self.output, self.site.error_log]
        return "\n".join(p.read_text(errors="replace") for p in parts if p.exists()).strip()

    def error_log_tail(self, lines: int = 6) -> str:
        if not self.site.error_log.exists():
            return ""
        tail = self.site.error_log.read_text(errors="replace").strip().splitlines()[-lines:]
        return learner_words("\n".join(tail), self.site)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(nginx: str, site: Site, **popen) -> RunningNginx:
    """`nginx -t`, then nginx itself, listening; NginxError with nginx's words otherwise."""
    check_config(nginx, site)
    running = RunningNginx(nginx, site, **popen)
    try:
        running.wait_until_listening()
    except NginxError:
        running.stop()
        raise
    return running


def start_on_a_free_port(
    nginx: str,
    folder: Path,
    learner_text: str,
    uwsgi_address: str,
    http_backend: str,
    ports: Iterable[int] | None = None,
) -> RunningNginx:
    """`start` on a free port, and on another while the port is taken before nginx binds it.
    ``ports`` yields the ports to try: new free ones by default."""
    ports = iter(ports) if ports is not None else iter(free_port, None)
    for _ in range(PORT_TRIES):
        site = prepare(folder, learner_text, next(ports), uwsgi_address, http_backend)
        try:
            return start(nginx, site)
        except NginxPortTaken:
            continue
    raise NginxError(f"nginx found every port it was given taken ({PORT_TRIES} tries)")


# ── The config as nginx reads it, without nginx: crossplane ───────────────────────────────────


def parse(site: Site) -> list[dict]:
    """The http block's directives, includes inlined (crossplane); NginxError on syntax errors."""
    import crossplane

    payload = crossplane.parse(str(site.main_config), combine=True)
    if payload["status"] != "ok":
        errors = "\n".join(
            learner_words(error.get("error", str(error)), site) for error in payload["errors"]
        )
        raise NginxError(f"Your {LEARNER_FILE} does not parse (task 3, rule 1):\n{errors}")
    top = payload["config"][0]["parsed"]
    http = next(d for d in top if d["directive"] == "http")
    return http["block"]


def servers(http_block: list[dict]) -> list[dict]:
    return [d for d in http_block if d["directive"] == "server"]


def upstreams(http_block: list[dict]) -> dict[str, list[str]]:
    """{upstream name: its server addresses}."""
    return {
        d["args"][0]: [s["args"][0] for s in d.get("block", []) if s["directive"] == "server"]
        for d in http_block
        if d["directive"] == "upstream" and d["args"]
    }


def choose_location(server: dict, uri: str) -> list[dict]:
    """The blocks nginx uses for ``uri``: [server, location] (nginx's order of choice:
    exact match, then the longest prefix, `^~` stops there, else the first matching regex)."""
    locations = [d for d in server.get("block", []) if d["directive"] == "location"]
    exact = [loc for loc in locations if loc["args"][:1] == ["="] and loc["args"][1:2] == [uri]]
    if exact:
        return [server, exact[0]]
    prefixes = [
        loc
        for loc in locations
        if (len(loc["args"]) == 1 or loc["args"][0] == "^~") and uri.startswith(loc["args"][-1])
    ]
    longest = max(prefixes, key=lambda loc: len(loc["args"][-1]), default=None)
    if longest is not None and longest["args"][0] == "^~":
        return [server, longest]
    for loc in locations:
        if loc["args"][0] in ("~", "~*") and len(loc["args"]) == 2:
            flags = re.IGNORECASE if loc["args"][0] == "~*" else 0
            try:
                if re.search(loc["args"][1], uri, flags):
                    return [server, loc]
            except re.error:
                continue
    return [server, longest] if longest is not None else [server]


def effective(chain: list[dict], directive: str) -> list[list[str]]:
    """The args of ``directive`` as nginx applies them: array directives (uwsgi_param,
    proxy_set_header) come from the innermost block that has any; others likewise."""
    for block in reversed(chain):
        found = [d["args"] for d in block.get("block", []) if d["directive"] == directive]
        if found:
            return found
    return []


def target_addresses(target: str, http_block: list[dict]) -> list[str]:
    """The addresses a `uwsgi_pass` / `proxy_pass` target reaches (through an upstream too)."""
    host = re.sub(r"^[a-z]+://", "", target).split("/", 1)[0]
    return upstreams(http_block).get(host, [host])
