"""--download against a local HTTP server on 127.0.0.1: checksums accepted and refused."""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading
from pathlib import Path

import pytest

from ganforge.data.download import download_files
from ganforge.errors import GanforgeError


@pytest.fixture
def server(tmp_path: Path):
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def test_download_checks_md5_and_skips_good_copies(tmp_path: Path, server):
    served, url = server
    (served / "a.gz").write_bytes(b"payload-a")
    files = {"a.gz": hashlib.md5(b"payload-a").hexdigest()}
    target = tmp_path / "mnist"
    download_files(target, url, files)
    assert (target / "a.gz").read_bytes() == b"payload-a"
    (served / "a.gz").unlink()  # a second call must not need the server: the copy is verified
    download_files(target, url, files)


def test_wrong_checksum_keeps_nothing(tmp_path: Path, server):
    served, url = server
    (served / "a.gz").write_bytes(b"tampered")
    target = tmp_path / "mnist"
    with pytest.raises(GanforgeError, match="MD5"):
        download_files(target, url, {"a.gz": hashlib.md5(b"original").hexdigest()})
    assert not (target / "a.gz").exists()
    assert list(target.iterdir()) == []  # no temporary file left behind


def test_unreachable_server_is_a_clear_error(tmp_path: Path, server):
    _, url = server
    with pytest.raises(GanforgeError, match="download of .* failed"):
        download_files(tmp_path / "m", url, {"missing.gz": "0" * 32})
