"""A real HTTP server on 127.0.0.1 in a thread, for the tests of what Aduan sends out (SMS and
WhatsApp gateways, web push services, event receivers, another Open311 server).

One function for all of them: `serve_forever`'s default poll interval of half a second made every
`shutdown()` wait that long, a quarter of a minute of idle waiting over the suite."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer


def serve(handler: type[BaseHTTPRequestHandler], *, threaded: bool = True) -> HTTPServer:
    """Start answering with `handler` on a free port; the caller ends it with `shutdown()` and
    `server_close()`. `threaded` answers each request in a thread of its own (a handler that
    sleeps does not hold up the next request)."""
    server = (ThreadingHTTPServer if threaded else HTTPServer)(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    ).start()
    return server
