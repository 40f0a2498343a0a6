"""The server's guard, one ASGI middleware in front of every route: the token, the body limit
and the security headers.

- **Token.** When the app has one (``geomap serve --host 0.0.0.0 --token T``), every request
  carries it: ``Authorization: Bearer T``, or the ``geomap_token`` cookie that a page sets when
  it is first opened as ``/?token=T`` (then redirected to the same page without it, so the
  token leaves the address bar and the history). Compared in constant time.
- **Body limit.** A ``Content-Length`` over the limit is answered 413 before the body is read;
  a chunked body is counted as it arrives and cut off at the limit (``BodyTooLarge``, which the
  app turns into the same 413).
- **Headers.** A Content-Security-Policy that runs only the server's own script files (no
  inline script, so injected markup cannot run), no framing, no MIME sniffing, no referrer.
- **Host.** Only the server's own host names are answered (``127.0.0.1``, ``localhost``, the
  ``--host`` value and each ``--allowed-host``): a page of another site that rebinds its DNS name
  to this machine gets 400, not the store.
- **Writes from other sites.** A request that changes something (POST, PUT, PATCH, DELETE)
  must send JSON (``Content-Type: application/json``, which a page of another site cannot send
  without a preflight the server never grants), and its ``Origin`` (or, without one, its
  ``Referer``) must be this server; a request with neither (curl, scripts) is let through.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Collection
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Request bodies are limited to this many bytes (issue #12, §5).
MAX_BODY_BYTES = 5 * 2**20
TOKEN_COOKIE = "geomap_token"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


#: The host names a server on this machine only answers to, besides its ``--host``.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: Methods that change the store: JSON only, and never from a page of another site.
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def host_name(value: str) -> str:
    """The name in a ``Host`` header, without its port: "[::1]:8765" → "::1"."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].partition("]")[0]
    return value.rpartition(":")[0] if value.count(":") == 1 else value


def _same_site(origin: str, host: str) -> bool:
    """Whether an ``Origin`` or ``Referer`` is a page of the server the ``Host`` header names."""
    try:
        sent = urlsplit(origin)
    except ValueError:  # "http://[::1": no site at all
        return False
    return sent.scheme in ("http", "https") and sent.netloc.lower() == host.strip().lower()


def cookie_value(token: str) -> str:
    """The token as a cookie value: percent-encoded, so that spaces, quotes and ";" survive."""
    return quote(token, safe="")


def login_url(base: str, token: str) -> str:
    """The URL that logs a browser in: the token percent-encoded, "&" and "#" included."""
    return f"{base}?token={quote(token, safe='')}"


class BodyTooLarge(Exception):
    """A request body grew past the limit while it was read."""


def _json_response(status: int, message: str) -> tuple[Message, Message]:
    body = json.dumps({"error": message}).encode()
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *SECURITY_HEADERS,
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class Guard:
    """Token check, body limit and security headers for every HTTP request (see the module)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None,
        max_body: int = MAX_BODY_BYTES,
        allowed_hosts: Collection[str] = LOCAL_HOSTS,
    ) -> None:
        self.app = app
        self.token = token.encode() if token else None
        self.max_body = max_body
        self.allowed_hosts = frozenset(host_name(h) for h in allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        refused = self._refusal(scope, headers)
        if refused is not None:
            for message in _json_response(*refused):
                await send(message)
            return
        if self.token is not None:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            given = query.get("token")
            if given is not None and scope["method"] == "GET" and not scope["path"].startswith("/api/"):
                await self._login(scope, send, given, query)
                return
            if not self._authorised(headers):
                for message in _json_response(401, "this server needs its token (Authorization: Bearer …)"):
                    await send(message)
                return
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            for message in _json_response(413, f"the request body is over {self.max_body // 2**20} MB"):
                await send(message)
            return
        await self.app(scope, self._counted(receive), self._with_headers(send))

    def _refusal(self, scope: Scope, headers: dict[bytes, bytes]) -> tuple[int, str] | None:
        """Why the request is refused before anything else is read, if it is: a host name that is not
        this server's, or a write that is not JSON or comes from a page of another site."""
        host = headers.get(b"host", b"").decode("latin-1")
        if host_name(host) not in self.allowed_hosts:
            return 400, f"this server does not answer to the host name {host!r} (geomap serve --allowed-host)"
        if scope["method"] not in _WRITES:
            return None
        media = headers.get(b"content-type", b"").decode("latin-1").partition(";")[0].strip().lower()
        if scope["method"] != "DELETE" and media != "application/json":
            return 415, "send JSON (Content-Type: application/json)"
        origin = headers.get(b"origin") or headers.get(b"referer")
        if origin is not None and not _same_site(origin.decode("latin-1"), host):
            return 403, "a write from a page of another site is refused"
        return None

    def _authorised(self, headers: dict[bytes, bytes]) -> bool:
        assert self.token is not None
        auth = headers.get(b"authorization", b"")
        if auth[:7].lower() == b"bearer " and hmac.compare_digest(auth[7:].strip(), self.token):
            return True
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
        except Exception:  # a malformed Cookie header is no token
            return False
        morsel = cookie.get(TOKEN_COOKIE)
        return morsel is not None and hmac.compare_digest(unquote(morsel.value).encode(), self.token)

    async def _login(self, scope: Scope, send: Send, given: str, query: dict[str, str]) -> None:
        """``/page?token=T``: a cookie for the pages, then the same page without the token."""
        assert self.token is not None
        if not hmac.compare_digest(given.encode(), self.token):
            for message in _json_response(401, "wrong token"):
                await send(message)
            return
        rest = urlencode({k: v for k, v in query.items() if k != "token"})
        # a path of this server only: "//evil.example/" would be another site's address
        location = "/" + quote(scope["path"].lstrip("/\\"), safe="/")
        location += f"?{rest}" if rest else ""
        cookie = f"{TOKEN_COOKIE}={cookie_value(given)}; Path=/; HttpOnly; SameSite=Strict"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", location.encode()),
                    (b"set-cookie", cookie.encode()),
                    (b"content-length", b"0"),
                    *SECURITY_HEADERS,
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    def _counted(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge
            return message

        return counted

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        return sending
