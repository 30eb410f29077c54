from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind our proxy (BEHIND_PROXY) the one it appended.

    Only the last X-Forwarded-For entry is written by our own proxy; anything before it is
    whatever the client claimed, and trusting it would let anyone dodge a lockout or a count.
    """
    if settings.BEHIND_PROXY:
        forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    remote_addr: str = request.META.get("REMOTE_ADDR", "")
    return remote_addr
