"""Fetching feeds and article pages over HTTP, as a polite reader does.

- Every request says who is asking (``User-Agent``) and gives up after ``timeout`` seconds.
- A feed is asked for conditionally (``If-None-Match`` / ``If-Modified-Since`` from its last
  answer): a feed that has not changed costs a ``304`` and no download.
- One request at a time, and at least ``gap`` seconds between two requests to one host.
- A body larger than ``max_bytes`` is refused while it downloads, not after.

httpx does the HTTP (redirects, encodings, TLS); it is imported when a ``Fetcher`` is made.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from geomap import __version__
from geomap.errors import GeomapError

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"geomap/{__version__} (news incident mapper; reads feeds it is given)"


class FetchError(GeomapError):
    """A feed or page could not be fetched: unreachable, an HTTP error, too large. Worth retrying."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """One answer: ``status`` 200 with its ``content``, or 304 (not modified) with none."""

    url: str  # after redirects
    status: int
    content: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """HTTP GETs, one at a time, ``gap`` seconds apart per host; open once, close when done."""

    def __init__(
        self,
        *,
        timeout: float = 20.0,
        gap: float = 1.0,
        max_bytes: int = 10 * 1024 * 1024,
        user_agent: str = USER_AGENT,
    ) -> None:
        import httpx

        self._httpx = httpx
        self._client: httpx.Client = httpx.Client(
            headers={"User-Agent": user_agent},
            timeout=timeout,
            follow_redirects=True,
            max_redirects=5,
        )
        self.gap = gap
        self.max_bytes = max_bytes
        self._last: dict[str, float] = {}  # host -> when its last request ended (monotonic)

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """The answer for ``url``; FetchError for anything but 200 or 304."""
        host = (urlsplit(url).hostname or "").lower()
        wait = self._last.get(host, -1e9) + self.gap - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return Fetched(str(response.url), 304, b"", "", etag, last_modified)
                if response.status_code != 200:
                    raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
                content = self._read(response, url)
                return Fetched(
                    str(response.url),
                    200,
                    content,
                    response.headers.get("Content-Type", ""),
                    response.headers.get("ETag"),
                    response.headers.get("Last-Modified"),
                )
        except self._httpx.HTTPError as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}".rstrip(": ")) from None
        finally:
            self._last[host] = time.monotonic()

    def _read(self, response: httpx.Response, url: str) -> bytes:
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"{url}: more than {self.max_bytes // 2**20} MB; not read")
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
