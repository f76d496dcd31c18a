"""Authentication: bearer on v2, the raw key plus space identification on the legacy /v1 routes."""

from __future__ import annotations

from collections.abc import Container, Generator

import httpx

__all__ = ["ArizeAuth"]

V1_SPACE_ID_HEADER = "Grpc-Metadata-space_id"
V1_SPACE_KEY_HEADER = "Grpc-Metadata-space"  # the space key, as SDK 6.x-7.x send it


class ArizeAuth(httpx.Auth):
    """Chooses the ``Authorization`` form per request, so one client serves v1 and v2.

    The key lives only here and in the request headers; its repr never shows it.
    """

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str,
        space_id: str | None = None,
        space_key: str | None = None,
    ) -> None:
        self._bearer = f"Bearer {api_key}"
        self._raw = api_key
        self._space_id = space_id
        self._space_key = space_key
        self._v1_prefix = httpx.URL(base_url).path.rstrip("/") + "/v1/"

    def __repr__(self) -> str:
        return (
            "ArizeAuth(api_key='****', space_key='****')"
            if self._space_key
            else ("ArizeAuth(api_key='****')")
        )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.apply(request)
        yield request

    def raw_headers(self, path: str, present: Container[bytes]) -> list[tuple[bytes, bytes]] | None:
        """The headers ``apply`` would add to a request for ``path`` that has the (lower-case)
        header names ``present``; None when it would replace one, or a value is not ASCII."""
        if b"authorization" in present:
            return None
        try:
            if not path.startswith(self._v1_prefix):
                return [(b"Authorization", self._bearer.encode("ascii"))]
            added = [(b"Authorization", self._raw.encode("ascii"))]
            if self._space_id and V1_SPACE_ID_HEADER.lower().encode() not in present:
                added.append((V1_SPACE_ID_HEADER.encode(), self._space_id.encode("ascii")))
            if self._space_key and V1_SPACE_KEY_HEADER.lower().encode() not in present:
                added.append((V1_SPACE_KEY_HEADER.encode(), self._space_key.encode("ascii")))
        except UnicodeEncodeError:
            return None
        return added

    def apply(self, request: httpx.Request) -> None:
        """Set the request's auth headers (the whole flow: it needs no answer from the server)."""
        if request.url.path.startswith(self._v1_prefix):
            request.headers["Authorization"] = self._raw
            if self._space_id and V1_SPACE_ID_HEADER not in request.headers:
                request.headers[V1_SPACE_ID_HEADER] = self._space_id
            if self._space_key and V1_SPACE_KEY_HEADER not in request.headers:
                request.headers[V1_SPACE_KEY_HEADER] = self._space_key
        else:
            request.headers["Authorization"] = self._bearer
