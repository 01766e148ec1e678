"""Bounded requests: no client makes the server hold more than AKKOORD_MAX_BODY_BYTES of a
request body, with or without a Content-Length, with or without a token. The answer is the
API's JSON error, 413 `too_large`, given before any token is looked at.

The last test sends 20 MB, chunked and without a token, to a real `akkoord serve` and reads the
server's peak memory (VmHWM) from /proc: a bound on memory, not on time.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from adapters.config.settings import WebSettings
from adapters.entrypoints.http.app import create_app
from tests.http.dashboard_client import Sessions
from tests.http.support import Api, bearer, consultation_body, issue_tokens, store_path
from tests.reliability.support import free_port

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    settings = store_path(Path(tmp_path_factory.mktemp("limit")))
    tokens = issue_tokens(settings)
    app = create_app(settings, scheduler=False, web=WebSettings(max_body_bytes=LIMIT))
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield Api(client, tokens, settings)


def too_large(response: httpx.Response) -> None:
    assert response.status_code == 413, (response.status_code, response.text[:300])
    error = response.json()["error"]
    assert error["code"] == "too_large" and str(LIMIT) in error["message"]


def chunks(total: int, size: int = 16 * 1024) -> Iterator[bytes]:
    yield b'{"title": "x", "padding": ['
    sent = 0
    while sent < total:
        yield b"1," * (size // 2)
        sent += size
    yield b"1]}"


def test_a_body_over_the_limit_is_refused_before_the_token_is_checked(api: Api) -> None:
    big = {**consultation_body(), "question": "?" * (LIMIT + 1)}
    too_large(api.client.post("/api/consultations", json=big))  # no token at all
    too_large(api.client.post("/api/consultations", json=big, headers=bearer("akk_x")))
    too_large(api.as_("officer").post("/api/consultations", big))  # a good token neither


def test_a_chunked_body_without_length_is_cut_off_at_the_limit(api: Api) -> None:
    for headers in ({}, bearer(api.tokens["officer"])):
        response = api.client.post(
            "/api/consultations",
            content=chunks(4 * LIMIT),
            headers={**headers, "Content-Type": "application/json"},
        )
        too_large(response)


def test_a_dashboard_form_over_the_limit_is_refused(api: Api) -> None:
    sessions = Sessions(api.client, api.tokens)
    response = sessions.post("officer", "/login", {"token": "x" * (LIMIT + 1)})
    too_large(response)


def test_a_body_within_the_limit_goes_through(api: Api) -> None:
    body = {**consultation_body(), "question": "?" * (LIMIT // 2)}
    response = api.as_("officer").post("/api/consultations", body)
    # read whole and parsed: refused for what it says, not for its size
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"
    api.ok("officer", "POST", "/api/members/load", json={"reason": "CBS"})


# A real server ------------------------------------------------------------------------------


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, int]]:
    """`akkoord serve` on a free port with the default limit: (port, pid)."""
    settings = store_path(tmp_path)
    issue_tokens(settings)
    port = free_port()
    env = {**os.environ, "AKKOORD_HOME": str(settings.data_dir)}
    env.pop("AKKOORD_MAX_BODY_BYTES", None)
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "adapters.entrypoints.cli",
            "serve",
            "--port",
            str(port),
            "--no-scheduler",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"akkoord serve exited: {(tmp_path / 'serve.log').read_text()}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"akkoord serve did not answer: {(tmp_path / 'serve.log').read_text()}")
            time.sleep(0.1)
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)
        log.close()


def send_chunked(port: int, path: str, total: int) -> bytes:
    """POST `total` bytes of JSON in HTTP/1.1 chunks without a token; stop sending once the
    server has answered (it need not read the rest), and return its answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        sock.setblocking(False)
        answer = b""
        try:
            for chunk in chunks(total, 64 * 1024):
                with contextlib.suppress(BlockingIOError):
                    answer += sock.recv(65536)
                if answer:
                    break
                frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
                view = memoryview(frame)
                while view:
                    try:
                        view = view[sock.send(view) :]
                    except BlockingIOError:
                        time.sleep(0.001)
            else:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: the answer is read below
        sock.setblocking(True)
        try:
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                more = sock.recv(65536)
                if not more:
                    break
                answer += more
        except ConnectionResetError:
            pass
        return answer


@pytest.mark.slow
def test_twenty_megabytes_chunked_without_a_token_do_not_reach_memory(
    served: tuple[int, int],
) -> None:
    port, pid = served
    httpx.get(f"http://127.0.0.1:{port}/api/me", timeout=10)  # everything imported and warm
    before = peak_rss_kb(pid)
    answer = send_chunked(port, "/api/consultations", 20 * 1024 * 1024)
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 413"), answer[:400]
    assert b'"code":"too_large"' in answer.replace(b" ", b"")
    grown_mb = (peak_rss_kb(pid) - before) / 1024
    assert grown_mb < 50, f"the server's peak memory grew by {grown_mb:.0f} MB"
    # and it still serves
    assert httpx.get(f"http://127.0.0.1:{port}/login", timeout=10).status_code == 200
