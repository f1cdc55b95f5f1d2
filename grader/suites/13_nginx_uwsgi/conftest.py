"""Hidden suite of exercise 13 — nginx_uwsgi (nginx中proxy_pass和uwsgi_pass的区别).

The learner writes the uwsgi packet codec (uwsgi_protocol.py), a WSGI server that speaks it
(uwsgi_server.py), and one nginx `server { }` block (nginx.conf) with `/app/` → uwsgi_pass and
`/legacy/` → proxy_pass. Everything is graded with real parts on 127.0.0.1, free ports, each
server started once per run and stopped by its PID:

- Task 1: byte-exact checks against the README and the grader's reference codec (kata_uwsgi),
  150 generated round trips (fixed seed), malformed input; then real uWSGI (the pyuwsgi wheel,
  kata_servers.UwsgiPeer): the learner's packets go to uWSGI running kata_apps.uwsgi_echo, which
  shows the environ uWSGI built; uWSGI's HTTP router sends its packets to the grader's capture
  server, and the learner decodes them; a packet recorded from real nginx (kata_packets) is
  decoded too, so task 1 needs no nginx.
- Task 2: the learner's make_server() serves kata_apps.RecordingApp in a thread; the grader's own
  uwsgi client (kata_uwsgi.exchange) sends packets, never half-closes (as nginx), and reads with
  timeouts, so a server that hangs or never closes fails in seconds. A first plain GET (conftest
  _probe) turns a server that hangs into one clear message for every test of the task.
- Task 3: crossplane reads the config without nginx (location choice as nginx makes it,
  kata_nginx.choose_location); then real nginx (kata_nginx: `nginx -p DIR -c FILE`, one process,
  `master_process off`, pid, logs and temp folders in DIR; `nginx -t` first) runs the learner's
  server block twice: in front of the grader's capture server (the exact packet nginx sends) and
  the stdlib legacy backend, and in front of the learner's own server from task 2.

Without nginx (kata_nginx.find_nginx: PATH, /usr/sbin, Homebrew places; KATA_NGINX overrides it,
and a KATA_NGINX that is not an executable means "no nginx"), every test that needs it FAILS with
one line, "nginx not found: install it with …"; tasks 1 and 2 and the crossplane tests still
pass. Without pyuwsgi (Windows), the two uWSGI tests of task 1 fail likewise.

Wrong answers this suite rejects:
- Big-endian sizes (struct ">H", network order) — test_encode_writes_the_readme_example_byte_for_byte,
  test_sizes_are_little_endian_16_bit_numbers, test_real_uwsgi_sees_the_vars_you_encode,
  test_decode_reads_a_packet_nginx_sent.
- Sizes counted in characters, not UTF-8 bytes — test_sizes_are_counted_in_bytes_not_characters,
  test_encode_writes_the_readme_example_byte_for_byte, test_real_uwsgi_sees_the_vars_you_encode.
- A var over 65535 bytes cut silently — test_var_longer_than_65535_bytes_is_refused.
- A vars block over 65535 bytes whose size wraps around (& 0xFFFF), or struct.error instead of
  ValueError — test_vars_block_over_65535_bytes_is_refused.
- decode() that accepts fewer bytes than the header announces — test_truncated_vars_block_is_refused.
- decode_vars() that stops quietly at a var running past the block — test_var_running_past_the_block_is_refused.
- TypeError (or any other error) for non-bytes input — test_non_bytes_input_is_refused_with_value_error.
- The first value of a repeated key kept — test_a_repeated_key_keeps_its_last_value.
- Modifiers ignored by encode() — test_sizes_are_little_endian_16_bit_numbers,
  test_round_trips_keep_vars_body_and_modifiers.
- encode() that turns ints, bytes or a str body into something instead of refusing them
  — test_bad_modifiers_keys_values_and_bodies_are_refused.
- vars that is not a mapping (a list of pairs, None) left to fail with AttributeError
  — test_vars_that_are_not_a_mapping_are_refused.
- Sizes packed signed ('<h'), which stop at 32767 — test_a_block_of_almost_65535_bytes_round_trips.
- A body read past CONTENT_LENGTH (until the client closes) — test_body_stops_at_content_length_without_waiting_for_more
  (and every task 2 test, through the probe), test_whole_stack_answers_through_nginx_and_your_uwsgi_server.
- A server that never closes the connection (keep-alive: waits for a second packet)
  — test_connection_closes_after_the_response, test_response_is_the_status_line_headers_and_body
  (through the probe), test_whole_stack_answers_through_nginx_and_your_uwsgi_server.
- One recv() per read: a packet in pieces is cut short — test_a_packet_sent_in_pieces_is_read_whole.
- modifier1 never checked: an HTTP request on the uwsgi socket hangs the server
  — test_http_request_on_the_uwsgi_socket_is_refused_at_once, test_broken_packets_are_closed_without_calling_the_app.
- environ values as decoded UTF-8 text instead of PEP 3333's latin-1 native strings
  — test_non_ascii_vars_reach_the_app_as_latin1_strings.
- A server that builds the environ with decode_vars(): a URL with bytes that are not UTF-8
  (/app/bad%FF) closes the connection and nginx answers 502
  — test_vars_that_are_not_utf8_reach_the_app_as_latin1_strings,
  test_a_url_with_bytes_that_are_not_utf8_reaches_the_app_through_nginx.
- A CONTENT_LENGTH that is not a whole number ("abc", "-5") taken as no body and passed to the
  app, or a server that hangs on it — test_a_content_length_that_is_not_a_whole_number_closes_the_connection.
- start_response() without the PEP 3333 write() callable — test_the_write_callable_sends_body_bytes_before_the_iterable.
- HTTP_CONTENT_TYPE / HTTP_CONTENT_LENGTH left in the environ — test_environ_passes_the_pep3333_check.
- No "" defaults for SCRIPT_NAME, PATH_INFO, QUERY_STRING — test_missing_script_name_path_info_and_query_string_default_to_empty.
- wsgi.url_scheme always "http" — test_url_scheme_follows_https_and_request_scheme.
- An empty CONTENT_LENGTH (nginx's GET) taken as malformed — test_empty_content_length_means_no_body.
- Status and headers sent only with the first body bytes (nothing for an empty body)
  — test_empty_body_still_sends_the_status_and_headers.
- Lines ended with \n instead of \r\n — test_response_is_the_status_line_headers_and_body.
- The iterable's close() never called — test_iterable_close_is_called.
- An app exception that drops the connection instead of a 500 — test_app_exception_answers_500_and_the_server_keeps_serving.
- A single-threaded server that a silent client blocks — test_a_silent_client_does_not_block_the_others.
- proxy_pass to the uwsgi socket — test_app_location_speaks_uwsgi_to_the_uwsgi_address,
  test_app_packet_carries_the_uwsgi_params_and_the_headers, test_config_sends_app_to_uwsgi_pass_with_uwsgi_params,
  test_whole_stack_answers_through_nginx_and_your_uwsgi_server.
- Missing `include uwsgi_params;` — test_app_packet_carries_the_uwsgi_params_and_the_headers,
  test_config_sends_app_to_uwsgi_pass_with_uwsgi_params, test_whole_stack_answers_through_nginx_and_your_uwsgi_server.
- Host not forwarded (the backend gets its own address) — test_legacy_request_carries_host_and_the_forwarded_headers,
  test_config_sends_legacy_to_proxy_pass_with_the_forwarded_headers.
- X-Forwarded-For $remote_addr (the incoming chain dropped) — test_forwarded_for_appends_the_client_to_the_incoming_chain,
  test_config_sends_legacy_to_proxy_pass_with_the_forwarded_headers.
- No X-Forwarded-Proto — test_legacy_request_carries_host_and_the_forwarded_headers,
  test_config_sends_legacy_to_proxy_pass_with_the_forwarded_headers.
- `proxy_pass http://{{HTTP_BACKEND}};` without the final "/" (the backend gets /legacy/…)
  — test_legacy_request_reaches_the_backend_without_the_prefix.

Rule table (README task.rule → tests):
    1.1  test_encode_writes_the_readme_example_byte_for_byte, test_sizes_are_little_endian_16_bit_numbers, test_round_trips_keep_vars_body_and_modifiers
    1.2  test_encode_writes_the_readme_example_byte_for_byte, test_sizes_are_counted_in_bytes_not_characters, test_sizes_are_little_endian_16_bit_numbers, test_a_block_of_almost_65535_bytes_round_trips
    1.3  test_decode_reads_the_readme_example, test_round_trips_keep_vars_body_and_modifiers, test_decode_reads_a_packet_nginx_sent
    1.4  test_decode_header_reads_the_first_four_bytes
    1.5  test_a_repeated_key_keeps_its_last_value, test_decode_reads_the_readme_example
    1.6  test_truncated_header_is_refused, test_truncated_vars_block_is_refused, test_var_running_past_the_block_is_refused, test_invalid_utf8_is_refused, test_non_bytes_input_is_refused_with_value_error
    1.7  test_var_longer_than_65535_bytes_is_refused, test_vars_block_over_65535_bytes_is_refused, test_vars_that_are_not_a_mapping_are_refused, test_bad_modifiers_keys_values_and_bodies_are_refused, test_a_block_of_almost_65535_bytes_round_trips
    1.8  test_real_uwsgi_sees_the_vars_you_encode, test_decode_reads_what_uwsgi_http_router_sends, test_decode_reads_a_packet_nginx_sent
    2.1  test_make_server_listens_on_a_free_port_and_serves
    2.2  test_a_packet_sent_in_pieces_is_read_whole, test_http_request_on_the_uwsgi_socket_is_refused_at_once, test_broken_packets_are_closed_without_calling_the_app, test_a_content_length_that_is_not_a_whole_number_closes_the_connection, test_vars_that_are_not_utf8_reach_the_app_as_latin1_strings
    2.3  test_get_request_reaches_the_app_with_the_vars_as_environ, test_environ_passes_the_pep3333_check, test_non_ascii_vars_reach_the_app_as_latin1_strings, test_vars_that_are_not_utf8_reach_the_app_as_latin1_strings, test_a_url_with_bytes_that_are_not_utf8_reaches_the_app_through_nginx, test_missing_script_name_path_info_and_query_string_default_to_empty, test_url_scheme_follows_https_and_request_scheme
    2.4  test_body_is_read_through_wsgi_input, test_body_stops_at_content_length_without_waiting_for_more, test_empty_content_length_means_no_body, test_a_content_length_that_is_not_a_whole_number_closes_the_connection
    2.5  test_response_is_the_status_line_headers_and_body, test_empty_body_still_sends_the_status_and_headers, test_the_write_callable_sends_body_bytes_before_the_iterable
    2.6  test_connection_closes_after_the_response, test_iterable_close_is_called
    2.7  test_app_exception_answers_500_and_the_server_keeps_serving, test_broken_packets_are_closed_without_calling_the_app, test_a_content_length_that_is_not_a_whole_number_closes_the_connection
    2.8  test_a_silent_client_does_not_block_the_others
    3.1  test_config_sends_app_to_uwsgi_pass_with_uwsgi_params, test_config_sends_legacy_to_proxy_pass_with_the_forwarded_headers, test_app_location_speaks_uwsgi_to_the_uwsgi_address
    3.2  test_app_location_speaks_uwsgi_to_the_uwsgi_address, test_config_sends_app_to_uwsgi_pass_with_uwsgi_params
    3.3  test_app_packet_carries_the_uwsgi_params_and_the_headers, test_config_sends_app_to_uwsgi_pass_with_uwsgi_params
    3.4  test_legacy_request_reaches_the_backend_without_the_prefix, test_config_sends_legacy_to_proxy_pass_with_the_forwarded_headers
    3.5  test_legacy_request_carries_host_and_the_forwarded_headers, test_forwarded_for_appends_the_client_to_the_incoming_chain, test_config_sends_legacy_to_proxy_pass_with_the_forwarded_headers
    3.6  test_whole_stack_answers_through_nginx_and_your_uwsgi_server, test_a_url_with_bytes_that_are_not_utf8_reaches_the_app_through_nginx, test_legacy_request_reaches_the_backend_without_the_prefix, test_app_location_speaks_uwsgi_to_the_uwsgi_address
"""

from __future__ import annotations

from dataclasses import dataclass

import kata_nginx
import kata_uwsgi
import pytest
from kata_apps import LegacyBackend, RecordingApp
from kata_servers import UWSGI_MISSING, UwsgiPeer, uwsgi_available
from kata_uwsgi import CaptureServer, start_thread_server, stop_thread_server


@pytest.fixture
def protocol():
    """The learner's uwsgi_protocol.py, imported through the grader's loader."""
    from grader.loader import load

    return load("uwsgi_protocol")


@pytest.fixture(scope="session")
def workspace(tmp_path_factory):
    return tmp_path_factory.mktemp("kata13")


# ── Servers of the grader ─────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="session")
def capture():
    """A stand-in uwsgi server that records the packets it receives."""
    server = CaptureServer()
    thread = start_thread_server(server)
    yield server
    stop_thread_server(server, thread)


@pytest.fixture(scope="session")
def uwsgi_peer(workspace, capture):
    """Real uWSGI: the echo app on a uwsgi socket, and its HTTP router sending to `capture`."""
    if not uwsgi_available():
        pytest.fail(UWSGI_MISSING, pytrace=False)
    try:
        peer = UwsgiPeer.start(workspace, capture.address)
    except RuntimeError as error:
        pytest.fail(f"The grader could not start uWSGI: {error}", pytrace=False)
    yield peer
    peer.stop()


@pytest.fixture(scope="session")
def legacy_backend():
    """The plain HTTP backend behind proxy_pass (stdlib http.server, in a thread)."""
    server = LegacyBackend()
    thread = start_thread_server(server)
    yield server
    stop_thread_server(server, thread)


# ── The learner's server (task 2) ─────────────────────────────────────────────────────────────


@dataclass
class LearnerServer:
    server: object
    address: tuple[str, int]
    app: RecordingApp

    @property
    def address_text(self) -> str:
        return f"{self.address[0]}:{self.address[1]}"


@pytest.fixture(scope="session")
def recording_app():
    return RecordingApp()


@pytest.fixture(scope="session")
def learner_server(recording_app):
    """make_server("127.0.0.1", 0, app) from uwsgi_server.py, serving in a thread."""
    import inspect
    import threading

    from grader.loader import load

    # uwsgi_server imports uwsgi_protocol: through the loader first, so a protocol that cannot
    # be imported (an endless loop at module level) fails here with the loader's cached message.
    load("uwsgi_protocol")
    module = load("uwsgi_server")
    server = module.make_server("127.0.0.1", 0, recording_app)
    missing = [
        name
        for name in ("server_address", "serve_forever", "shutdown", "server_close")
        if not hasattr(server, name)
    ]
    if missing:
        pytest.fail(
            f"make_server() must return a server object with server_address, serve_forever(), "
            f"shutdown() and server_close() (task 2, rule 1); {type(server).__name__} has no "
            f"{', '.join(missing)}. Subclass socketserver.ThreadingTCPServer to get all four.",
            pytrace=False,
        )
    address = tuple(server.server_address[:2])
    if address[0] != "127.0.0.1" or not isinstance(address[1], int) or address[1] <= 0:
        pytest.fail(
            f'make_server("127.0.0.1", 0, app).server_address must be ("127.0.0.1", <the '
            f"port it got>) (task 2, rule 1); it is {server.server_address!r}",
            pytrace=False,
        )
    # socketserver polls for shutdown() every 0.5 s by default; a shorter poll ends grading sooner.
    try:
        polls = "poll_interval" in inspect.signature(server.serve_forever).parameters
    except (TypeError, ValueError):
        polls = False
    kwargs = {"poll_interval": 0.05} if polls else {}
    thread = threading.Thread(target=server.serve_forever, kwargs=kwargs, daemon=True)
    thread.start()
    try:
        _probe(address)
        yield LearnerServer(server, address, recording_app)
    finally:
        stop_thread_server(server, thread)


def _probe(address: tuple[str, int]) -> None:
    """One plain GET first. A server that hangs on it would cost every test its timeout:
    say once, clearly, what went wrong (the tests then fail at once with this message)."""
    data = kata_uwsgi.encode(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/app/echo",
            "QUERY_STRING": "",
            "CONTENT_LENGTH": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "8080",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_X_KATA_ID": "probe",
        }
    )
    exchange = kata_uwsgi.exchange(address, data)
    if exchange.ending == "refused":
        pytest.fail(
            f"make_server() returned, but nothing accepts connections on {address} "
            f"(task 2, rule 1): the server must be bound and listening when make_server returns.",
            pytrace=False,
        )
    if exchange.ending == "open" and not exchange.received:
        pytest.fail(
            "Your server did not answer a plain GET (no body, CONTENT_LENGTH empty) within "
            f"{kata_uwsgi.TIMEOUT:.0f} s, so the rest of task 2 cannot be graded. Does it wait for "
            "bytes that never come: reading until the client closes instead of CONTENT_LENGTH "
            "bytes (task 2, rule 4; nginx keeps its side open), or sizes read big-endian "
            f"(task 1)?\n  {exchange.describe()}",
            pytrace=False,
        )
    if exchange.ending == "open":
        pytest.fail(
            "Your server answered a plain GET but kept the connection open, so the rest of task 2 "
            "cannot be graded (task 2, rule 6): one request per connection, then close it. nginx "
            f"waits for the close to know the response is complete.\n  {exchange.describe()}",
            pytrace=False,
        )


# ── Real nginx with the learner's nginx.conf (task 3) ─────────────────────────────────────────


@pytest.fixture(scope="session")
def nginx_binary():
    found = kata_nginx.find_nginx()
    if not found:
        pytest.fail(kata_nginx.NGINX_MISSING, pytrace=False)
    return found


@pytest.fixture(scope="session")
def learner_config() -> str:
    from grader.loader import LearnerCodeError, exercise_dir

    path = exercise_dir() / "nginx.conf"
    if not path.is_file():
        raise LearnerCodeError(
            f"{kata_nginx.LEARNER_FILE} is missing. The exercise needs this file: restore it "
            f"from the repository (git checkout -- {kata_nginx.LEARNER_FILE})."
        )
    return path.read_text(encoding="utf-8", errors="replace")


def _start_nginx(nginx_binary, folder, learner_config, uwsgi_address, http_backend):
    try:
        return kata_nginx.start_on_a_free_port(
            nginx_binary, folder, learner_config, uwsgi_address, http_backend
        )
    except kata_nginx.NginxError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def capture_nginx(nginx_binary, workspace, learner_config, capture, legacy_backend):
    """nginx with the learner's config: {{UWSGI_ADDRESS}} is the grader's capture server."""
    running = _start_nginx(
        nginx_binary, workspace / "nginx-capture", learner_config, capture.address,
        legacy_backend.address,
    )  # fmt: skip
    yield running
    running.stop()


@pytest.fixture(scope="session")
def stack_nginx(nginx_binary, workspace, learner_config, learner_server, legacy_backend):
    """nginx with the learner's config in front of the learner's own uwsgi server."""
    running = _start_nginx(
        nginx_binary, workspace / "nginx-stack", learner_config, learner_server.address_text,
        legacy_backend.address,
    )  # fmt: skip
    yield running
    running.stop()


@pytest.fixture(scope="session")
def parsed_config(workspace, learner_config):
    """The learner's config as nginx would read it (crossplane): the http block's directives."""
    try:
        site = kata_nginx.prepare(
            workspace / "nginx-parsed",
            learner_config,
            kata_nginx.PARSED_LISTEN,
            kata_nginx.PARSED_UWSGI,
            kata_nginx.PARSED_BACKEND,
        )
        return kata_nginx.parse(site)
    except kata_nginx.NginxError as error:
        pytest.fail(str(error), pytrace=False)
