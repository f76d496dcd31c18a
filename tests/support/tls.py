"""An HTTPS echo server on loopback with a CA made at test time (``trustme``), optionally
requiring a client certificate from the same CA.

    with TLSEchoServer(require_client_cert=True) as server:
        server.ca_path            # the CA bundle (PEM) a client must trust
        server.client_cert_path   # key + chain of a client certificate the server accepts
        server.client_context()   # an ssl.SSLContext trusting the CA
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import tempfile
from pathlib import Path
from typing import Any

import trustme

from . import EchoServer, _EchoHTTPServer

__all__ = ["TLSEchoServer"]


class _TLSHTTPServer(_EchoHTTPServer):
    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__()
        self.context = context

    def finish_request(self, request: Any, client_address: Any) -> None:
        # the handshake happens here, in the request's own thread, never in the accept loop
        request.settimeout(10)
        tls = self.context.wrap_socket(request, server_side=True, do_handshake_on_connect=False)
        try:
            tls.do_handshake()
        except (ssl.SSLError, OSError):
            # Drain what the client already sent before closing: closing with unread data
            # would answer with a TCP reset, which can overtake the TLS alert just sent (the
            # client would see "connection reset" instead of "certificate required").
            with contextlib.suppress(OSError):
                plain = socket.socket(fileno=tls.detach())
                plain.settimeout(2)
                with plain:
                    while plain.recv(65536):
                        pass
            return
        super().finish_request(tls, client_address)


class TLSEchoServer(EchoServer):
    scheme = "https"

    def __init__(self, *, require_client_cert: bool = False) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="arize-tls-")
        folder = Path(self._dir.name)
        self.ca = trustme.CA()
        self.ca_path = str(folder / "ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_path)
        server_cert = self.ca.issue_cert("127.0.0.1", "localhost")
        client_cert = self.ca.issue_cert("client@example.org")
        self.client_cert_path = str(folder / "client.pem")
        client_cert.private_key_and_cert_chain_pem.write_to_path(self.client_cert_path)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_cert.configure_cert(context)
        if require_client_cert:
            context.verify_mode = ssl.CERT_REQUIRED
            self.ca.configure_trust(context)
        self._context = context
        super().__init__()

    def _make(self) -> _EchoHTTPServer:
        return _TLSHTTPServer(self._context)

    def client_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    def close(self) -> None:
        super().close()
        self._dir.cleanup()
