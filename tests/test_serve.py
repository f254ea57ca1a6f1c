"""cadence serve: content types, validators and 304s, GET/HEAD only, nothing outside the folder."""

import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cadence.output import MANIFEST, write_folder
from cadence.serve import make_server


@pytest.fixture
def served(tmp_path: Path):
    folder = tmp_path / "out"
    write_folder(
        folder,
        {
            "index.html": b"<!doctype html><title>x</title>",
            "alla.ics": b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
            "grupper/bgae.ics": b"BEGIN:VCALENDAR\r\nX-A:1\r\nEND:VCALENDAR\r\n",
        },
    )
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    (folder / "link.ics").symlink_to(tmp_path / "secret.txt")
    (folder / "hidden.ics").symlink_to(folder / MANIFEST)
    server = make_server(folder, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetch(url: str, method: str = "GET", headers: dict | None = None):
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_feed_with_calendar_type_and_validators(served):
    """A feed is served as text/calendar with an ETag, Last-Modified and its length."""
    folder, base = served
    status, headers, body = fetch(f"{base}/grupper/bgae.ics")
    assert status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert body == (folder / "grupper" / "bgae.ics").read_bytes()
    assert headers["ETag"].startswith('"') and headers["Last-Modified"].endswith("GMT")
    assert int(headers["Content-Length"]) == len(body)


def test_conditional_requests_answer_304(served):
    """If-None-Match and If-Modified-Since answer 304 when nothing changed."""
    _, base = served
    _, headers, _ = fetch(f"{base}/alla.ics")
    status, _, body = fetch(f"{base}/alla.ics", headers={"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
    status, _, _ = fetch(f"{base}/alla.ics", headers={"If-None-Match": '"other"'})
    assert status == 200
    since = {"If-Modified-Since": headers["Last-Modified"]}
    assert fetch(f"{base}/alla.ics", headers=since)[0] == 304
    old = {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    assert fetch(f"{base}/alla.ics", headers=old)[0] == 200


def test_changed_file_gets_a_new_etag(served):
    """A republished file gets a new ETag and is sent again."""
    folder, base = served
    first = fetch(f"{base}/alla.ics")[1]["ETag"]
    write_folder(folder, {"alla.ics": b"BEGIN:VCALENDAR\r\nX-B:2\r\nEND:VCALENDAR\r\n"})
    status, headers, body = fetch(f"{base}/alla.ics", headers={"If-None-Match": first})
    assert status == 200 and headers["ETag"] != first and b"X-B:2" in body


def test_head_has_no_body_and_other_methods_are_refused(served):
    """HEAD has headers only; POST, PUT, DELETE and OPTIONS get 405."""
    _, base = served
    status, headers, body = fetch(f"{base}/alla.ics", "HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    for method in ("POST", "PUT", "DELETE", "OPTIONS"):
        status, headers, _ = fetch(f"{base}/alla.ics", method)
        assert status == 405 and headers["Allow"] == "GET, HEAD", method


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/grupper/..%2f..%2fsecret.txt",
        "/link.ics",  # a symbolic link out of the folder
        "/hidden.ics",  # a link to a hidden file inside it
        f"/{MANIFEST}",
        "/grupper/",
        "/grupper",
        "/nothing.ics",
    ],
)
def test_nothing_outside_the_folder_no_listing(served, path):
    """Paths outside the folder and folder listings are 404."""
    _, base = served
    status, _, body = fetch(base + path)
    assert status == 404, path
    assert b"outside" not in body


def test_root_is_the_index(served):
    """The root serves index.html."""
    _, base = served
    status, headers, body = fetch(base + "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert body.startswith(b"<!doctype html>")


def test_if_none_match_decides_and_future_dates_are_ignored(served):
    """If-None-Match wins over If-Modified-Since; weak and * ETags match."""
    _, base = served
    _, headers, _ = fetch(f"{base}/alla.ics")
    both = {"If-None-Match": '"other"', "If-Modified-Since": headers["Last-Modified"]}
    assert fetch(f"{base}/alla.ics", headers=both)[0] == 200
    weak = {"If-None-Match": f'"x", W/{headers["ETag"]}'}
    assert fetch(f"{base}/alla.ics", headers=weak)[0] == 304
    assert fetch(f"{base}/alla.ics", headers={"If-None-Match": "*"})[0] == 304
    future = {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}
    assert fetch(f"{base}/alla.ics", headers=future)[0] == 200
    status, _, body = fetch(f"{base}/nothing.ics", "HEAD")
    assert (status, body) == (404, b"")


@pytest.fixture
def bounded(tmp_path: Path):
    """A server with few workers and a one-second header deadline, stopped after the test."""
    folder = tmp_path / "out"
    write_folder(folder, {"alla.ics": b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n" * 100})
    server = make_server(folder, "127.0.0.1", 0, workers=8, header_seconds=1.0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_200_requests_at_once_are_all_answered(bounded):
    """With 200 clients at once every one gets its feed without waiting for a dropped
    connection to be retried (with a backlog of 5, about 100 of 200 waited over a second for
    the retry and some over 60 s; now none do)."""
    import concurrent.futures
    import http.client

    def get(_: int) -> tuple[int, float]:
        start = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", bounded, timeout=20)
        try:
            connection.request("GET", "/alla.ics")
            response = connection.getresponse()
            response.read()
            return response.status, time.monotonic() - start
        finally:
            connection.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=200) as pool:
        answers = list(pool.map(get, range(200)))
    assert [status for status, _ in answers] == [200] * 200
    assert sum(seconds > 1 for _, seconds in answers) <= 5  # a SYN retry takes a second
    assert max(seconds for _, seconds in answers) < 10


def _closed_by_server(sock, until: float) -> bool:
    """Trickle one header byte at a time, never the blank line, until the server hangs up."""
    import socket

    while time.monotonic() < until:
        try:
            sock.sendall(b"X")
            if sock.recv(1024, socket.MSG_DONTWAIT) == b"":
                return True
        except BlockingIOError:
            pass  # nothing from the server yet
        except OSError:
            return True  # reset or broken pipe: closed
        time.sleep(0.1)
    return False


def test_slow_headers_are_cut_off_and_others_then_served(bounded):
    """Clients that trickle header bytes, as many as there are workers, are closed after the
    header deadline (1 s here), and the next client is answered."""
    import socket

    slow = [socket.create_connection(("127.0.0.1", bounded), timeout=10) for _ in range(8)]
    for sock in slow:
        sock.sendall(b"GET /alla.ics HTTP/1.1\r\n")
    start = time.monotonic()
    try:
        assert all(_closed_by_server(sock, start + 8) for sock in slow)
    finally:
        for sock in slow:
            sock.close()
    assert 0.9 < time.monotonic() - start < 8
    status, _, _ = fetch(f"http://127.0.0.1:{bounded}/alla.ics")
    assert status == 200
