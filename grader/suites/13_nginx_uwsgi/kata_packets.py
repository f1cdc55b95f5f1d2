"""A uwsgi packet recorded from real nginx, for decoding without nginx on the machine.

Recorded from nginx 1.22.1 (Debian) running the reference nginx.conf: `location /app/ { include
uwsgi_params; uwsgi_pass … }`, listening on 127.0.0.1:8080, prefix /tmp/kata-nginx/, for:

    POST /app/b%C3%BCcher/7?q=caf%C3%A9&page=2 HTTP/1.1
    Host: shop.example
    Content-Type: application/json
    X-Kata-Trace: abc

    {"title": "Dune", "stars": "★★★"}

Task 3 captures live packets from the learner's own nginx.conf as well.
"""

# One line per part: the header, each var (key size, key, value size, value), then the body.
NGINX_PACKET = (
    b"\x00\xe1\x01\x00"
    b"\x0c\x00QUERY_STRING\x12\x00q=caf%C3%A9&page=2"
    b"\x0e\x00REQUEST_METHOD\x04\x00POST"
    b"\x0c\x00CONTENT_TYPE\x10\x00application/json"
    b"\x0e\x00CONTENT_LENGTH\x02\x0039"
    b"\x0b\x00REQUEST_URI%\x00/app/b%C3%BCcher/7?q=caf%C3%A9&page=2"
    b"\t\x00PATH_INFO\x0e\x00/app/b\xc3\xbccher/7"
    b"\r\x00DOCUMENT_ROOT\x14\x00/tmp/kata-nginx/html"
    b"\x0f\x00SERVER_PROTOCOL\x08\x00HTTP/1.1"
    b"\x0b\x00REMOTE_ADDR\t\x00127.0.0.1"
    b"\x0b\x00REMOTE_PORT\x05\x0054454"
    b"\x0b\x00SERVER_PORT\x04\x008080"
    b"\x0b\x00SERVER_NAME\t\x00localhost"
    b"\x14\x00HTTP_ACCEPT_ENCODING\x08\x00identity"
    b"\x13\x00HTTP_CONTENT_LENGTH\x02\x0039"
    b"\t\x00HTTP_HOST\x0c\x00shop.example"
    b"\x11\x00HTTP_CONTENT_TYPE\x10\x00application/json"
    b"\x11\x00HTTP_X_KATA_TRACE\x03\x00abc"
    b'{"title": "Dune", "stars": "\xe2\x98\x85\xe2\x98\x85\xe2\x98\x85"}'
)

NGINX_VARS = {
    "QUERY_STRING": "q=caf%C3%A9&page=2",
    "REQUEST_METHOD": "POST",
    "CONTENT_TYPE": "application/json",
    "CONTENT_LENGTH": "39",
    "REQUEST_URI": "/app/b%C3%BCcher/7?q=caf%C3%A9&page=2",
    "PATH_INFO": "/app/bücher/7",
    "DOCUMENT_ROOT": "/tmp/kata-nginx/html",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "REMOTE_ADDR": "127.0.0.1",
    "REMOTE_PORT": "54454",
    "SERVER_PORT": "8080",
    "SERVER_NAME": "localhost",
    "HTTP_ACCEPT_ENCODING": "identity",
    "HTTP_CONTENT_LENGTH": "39",
    "HTTP_HOST": "shop.example",
    "HTTP_CONTENT_TYPE": "application/json",
    "HTTP_X_KATA_TRACE": "abc",
}
NGINX_BODY = b'{"title": "Dune", "stars": "\xe2\x98\x85\xe2\x98\x85\xe2\x98\x85"}'
