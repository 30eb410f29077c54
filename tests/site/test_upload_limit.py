"""Uploads far over the limit are refused from their Content-Length, before they are read."""

import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

HUGE = 10 * 1024**3  # 10 GB


class EndlessUpload:
    """A client still sending: an endless body that counts what the server reads of it."""

    def __init__(self):
        self.bytes_read = 0

    def read(self, size=-1):
        size = 64 * 1024 if size is None or size < 0 else size
        self.bytes_read += size
        return b"\0" * size

    def readline(self, size=-1):
        return self.read(size)


def test_a_huge_upload_is_refused_with_a_clear_413_without_reading_it(client, superuser):
    client.force_login(superuser)
    upload = EndlessUpload()
    response = client.generic(
        "POST",
        "/admin/articles/imagecredit/add/",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(HUGE),
        **{"wsgi.input": upload},
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "That upload is too large" in html
    assert "10.0\xa0GB" in html and f"{settings.REQUEST_MAX_MB}.0\xa0MB" in html
    assert upload.bytes_read == 0


def test_a_nonsense_content_length_is_a_400(client):
    response = client.generic("POST", "/admin/login/", CONTENT_LENGTH="lots")
    assert response.status_code == 400


def test_uploads_within_the_limit_reach_the_form(client, superuser, settings):
    settings.REQUEST_MAX_MB = 1
    client.force_login(superuser)
    response = client.post("/admin/articles/imagecredit/add/", {"caption": "x" * 2_000_000})
    assert response.status_code == 413
    response = client.post("/admin/articles/imagecredit/add/", {"caption": "x" * 1_000})
    assert response.status_code == 200  # the form's own errors: no image was attached


@pytest.mark.django_db(transaction=True)
def test_a_real_server_answers_413_before_the_body_arrives(live_server):
    """Over a socket: the headers announce 1 GB; the answer comes after only a few bytes."""
    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(
            b"POST /admin/articles/imagecredit/add/ HTTP/1.1\r\n"
            + f"Host: {address.hostname}\r\n".encode()
            + b"Content-Type: multipart/form-data; boundary=xyz\r\n"
            + f"Content-Length: {1024**3}\r\n\r\n".encode()
            + b"--xyz\r\n"
        )
        status_line = connection.makefile("rb").readline()
    assert status_line.startswith(b"HTTP/1.1 413")
