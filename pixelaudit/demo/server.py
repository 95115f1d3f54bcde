"""A loopback web server that plays many real hostnames at once, for the demo and the test suite.

One port speaks both HTTP and HTTPS (it sniffs the first byte of each connection), so a single
`--resolve '*=127.0.0.1:PORT'` maps every hostname to it. Each folder under `root` is one virtual host
(`root/www.facebook.com/...`); an optional `_routes.toml` in a host folder gives dynamic answers:

    ["/tr"]                     # exact path (query ignored); a key ending in '*' is a prefix
    body = "gif"                # gif | png | empty | text:<...> ; or file = "name" in the host folder
    status = 200
    content_type = "image/gif"
    set_cookie = ["fr=1; Domain=.facebook.com; Path=/; Secure; SameSite=None; Max-Age=7776000"]
    location = "/tr"            # a redirect target (with status 302)
    delay = 0.5                 # seconds before answering
    hang = true                 # never answer (until the server stops)
    auth = "user:pass"          # HTTP Basic authentication required (401 otherwise)

Every request is logged (`server.log`) so tests can tell what reached the "network".
HTTPS uses a throwaway trustme CA; `leaf_pem` is the leaf certificate to pass as `--trust-cert`.
"""

from __future__ import annotations

import base64
import mimetypes
import socket
import ssl
import tempfile
import threading
import time
import tomllib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

GIF_1X1 = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
           b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5c8a4bf0000000049454e44ae426082")


@dataclass(frozen=True, slots=True)
class Hit:
    """One request the server received."""

    method: str
    host: str
    path: str  # with query
    tls: bool
    headers: dict
    body: bytes
    time: float


def _basic(user_pass: str) -> str:
    return "Basic " + base64.b64encode(user_pass.encode()).decode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args) -> None:  # quiet
        pass

    def _serve(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        tls = isinstance(self.connection, ssl.SSLSocket)
        self.server.owner.log.append(Hit(self.command, host, self.path, tls, dict(self.headers), body, time.time()))
        path = urlsplit(self.path).path or "/"
        route = self.server.owner.route(host, path)
        if route is not None:
            return self._answer_route(host, route)
        file = self.server.owner.static_file(host, path)
        if file is None:
            return self._send(404, b"not found", "text/plain")
        ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        self._send(200, file.read_bytes(), ctype)

    def _answer_route(self, host: str, route: dict) -> None:
        if "auth" in route and self.headers.get("Authorization") != _basic(route["auth"]):
            return self._send(401, b"authentication required", "text/plain",
                              [("WWW-Authenticate", 'Basic realm="staging"')])
        if route.get("hang"):
            self.server.owner.stopping.wait(600)
            return
        if route.get("delay"):
            time.sleep(float(route["delay"]))
        body_kind = str(route.get("body", "empty"))
        ctype = route.get("content_type")
        if "file" in route:
            body = (self.server.owner.root / host / route["file"]).read_bytes()
            ctype = ctype or mimetypes.guess_type(route["file"])[0]
        elif body_kind == "gif":
            body, ctype = GIF_1X1, ctype or "image/gif"
        elif body_kind == "png":
            body, ctype = PNG_1X1, ctype or "image/png"
        elif body_kind.startswith("text:"):
            body, ctype = body_kind[5:].encode(), ctype or "text/plain"
        else:
            body = b""
        status = int(route.get("status", 302 if "location" in route else (204 if not body else 200)))
        extra = [("Set-Cookie", c) for c in route.get("set_cookie", [])]
        if "location" in route:
            extra.append(("Location", route["location"]))
        self._send(status, body, ctype or "text/plain", extra)

    def _send(self, status: int, body: bytes, ctype: str, extra: list[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = do_PUT = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: SiteServer

    def finish_request(self, request, client_address) -> None:
        # Sniff the first byte: 0x16 opens a TLS handshake, anything else is plain HTTP.
        try:
            request.settimeout(30)
            first = request.recv(1, socket.MSG_PEEK)
            if first == b"\x16":
                request = self.owner.tls.wrap_socket(request, server_side=True)
            request.settimeout(None)
        except (OSError, ssl.SSLError):
            return
        try:
            super().finish_request(request, client_address)
        except (OSError, ssl.SSLError):
            pass

    def handle_error(self, request, client_address) -> None:  # a client hanging up is not news
        pass


class SiteServer:
    """Serves the virtual hosts found under `root` on 127.0.0.1, HTTP and HTTPS on one port."""

    def __init__(self, root: Path, extra_hosts: tuple[str, ...] = ()) -> None:
        import trustme

        self.root = Path(root)
        self.hosts = sorted(p.name for p in self.root.iterdir() if p.is_dir()) + list(extra_hosts)
        self.log: list[Hit] = []
        self.stopping = threading.Event()
        self._routes = {h: self._load_routes(h) for h in self.hosts}
        ca = trustme.CA()
        leaf = ca.issue_cert(*self.hosts, "localhost", "127.0.0.1")
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        leaf.configure_cert(self.tls)
        self._certdir = Path(tempfile.mkdtemp(prefix="pixelaudit-certs-"))
        self.leaf_pem = self._certdir / "leaf.pem"
        self.leaf_pem.write_bytes(leaf.cert_chain_pems[0].bytes())
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def _load_routes(self, host: str) -> dict:
        path = self.root / host / "_routes.toml"
        return tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    def route(self, host: str, path: str) -> dict | None:
        """The dynamic answer configured for host+path, if any."""
        routes = self._routes.get(host, {})
        if path in routes:
            return routes[path]
        for key, route in routes.items():
            if key.endswith("*") and path.startswith(key[:-1]):
                return route
        return None

    def static_file(self, host: str, path: str) -> Path | None:
        """The file under the host folder that answers `path` (index.html for folders)."""
        base = (self.root / host).resolve()
        target = (base / path.lstrip("/")).resolve()
        if base not in target.parents and target != base:
            return None  # no escaping the host folder
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() and target.name != "_routes.toml" else None

    def url(self, host: str, path: str = "/", tls: bool = True) -> str:
        """The URL of a virtual host page (the browser reaches it through --resolve)."""
        return f"{'https' if tls else 'http'}://{host}{path}"

    @property
    def resolve(self) -> str:
        """The `--resolve` value that sends every hostname here."""
        return f"*=127.0.0.1:{self.port}"

    def hits(self, host: str | None = None, path_prefix: str = "") -> list[Hit]:
        """Requests received, optionally for one host and path prefix."""
        return [h for h in list(self.log) if (host is None or h.host == host) and h.path.startswith(path_prefix)]

    def start(self) -> SiteServer:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release every hanging answer."""
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
