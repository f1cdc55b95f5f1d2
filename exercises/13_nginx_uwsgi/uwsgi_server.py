"""Task 2: a small WSGI server that speaks the uwsgi protocol on TCP.

nginx (`uwsgi_pass`) connects, sends one packet (the vars, then CONTENT_LENGTH bytes of body),
and reads back a plain HTTP response until the server closes the connection.
See README.md, task 2, for the rules.
"""

from __future__ import annotations

# decode_header reads the 4-byte header. For the vars block, do not call decode_vars(): it
# decodes UTF-8 and refuses other bytes (task 1, rule 6), but the environ holds each var's raw
# bytes decoded as latin-1 (task 2, rule 3), and a URL may carry any byte (/bad%FF: the byte ff).
# Walk the block yourself, or share a helper with decode_vars that returns the raw bytes.
from uwsgi_protocol import decode_header  # noqa: F401 - you will need it


def make_server(host: str, port: int, app):
    """A server listening on (host, port) (0: a free port) that runs ``app`` for each packet.

    It has .server_address, .serve_forever(), .shutdown() and .server_close():
    socketserver.ThreadingTCPServer gives you all four.
    """
    raise NotImplementedError
