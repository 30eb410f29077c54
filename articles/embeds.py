"""Embeds from the providers newsrooms use: a pasted address becomes a player's frame address.

A story stores only the address the reporter pasted (``<figure data-embed="https://…">``), never
a provider's HTML or script. The reader's page shows a placeholder and loads the provider's frame
(``frame_url``) only when the reader asks; its origin must be in the Content-Security-Policy's
frame-src (``FRAME_ORIGINS``, which newsroom/settings.py lists as literals and a test compares).
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit


@dataclass(frozen=True)
class Provider:
    name: str
    # Matches a pasted https address (host and path, without the scheme); its groups fill frame.
    pattern: re.Pattern[str]
    frame: str
    # Whether the frame gets the whole pasted address (quoted) rather than the pattern's groups.
    passes_url: bool = False

    def frame_url(self, url: str) -> str | None:
        match = self.pattern.fullmatch(_host_and_path(url))
        if match is None:
            return None
        if self.passes_url:
            return self.frame.format(url=quote(url, safe=""))
        return self.frame.format(*match.groups())

    @property
    def frame_origin(self) -> str:
        parts = urlsplit(self.frame.format("x", "x", url=""))
        return f"{parts.scheme}://{parts.netloc}"


ID = r"([\w-]+)"

PROVIDERS = [
    Provider(
        "YouTube",
        re.compile(
            rf"(?:www\.|m\.)?youtube\.com/(?:watch\?(?:.*&)?v=|shorts/|embed/){ID}(?:[&?].*)?|youtu\.be/{ID}(?:\?.*)?"
        ),
        "https://www.youtube-nocookie.com/embed/{}",
    ),
    Provider(
        "Vimeo",
        re.compile(r"(?:www\.)?vimeo\.com/(\d+)(?:[/?].*)?"),
        "https://player.vimeo.com/video/{}",
    ),
    Provider(
        "X",
        re.compile(r"(?:www\.)?(?:x|twitter)\.com/\w+/status/(\d+)(?:[/?].*)?"),
        "https://platform.twitter.com/embed/Tweet.html?id={}",
    ),
    Provider(
        "Instagram",
        re.compile(rf"(?:www\.)?instagram\.com/(p|reel)/{ID}/?(?:\?.*)?"),
        "https://www.instagram.com/{}/{}/embed/",
    ),
    Provider(
        "Facebook",
        re.compile(r"(?:www\.)?facebook\.com/[\w.-]+/(?:posts|videos)/[\w.-]+/?(?:\?.*)?"),
        "https://www.facebook.com/plugins/post.php?href={url}",
        passes_url=True,
    ),
    Provider(
        "TikTok",
        re.compile(r"(?:www\.)?tiktok\.com/@[\w.-]+/video/(\d+)(?:\?.*)?"),
        "https://www.tiktok.com/embed/v2/{}",
    ),
    Provider(
        "DocumentCloud",
        re.compile(rf"(?:www\.|embed\.)?documentcloud\.org/documents/{ID}/?(?:\?.*)?"),
        "https://embed.documentcloud.org/documents/{}/",
    ),
    Provider(
        "Scribd",
        re.compile(r"(?:www\.)?scribd\.com/(?:document|doc)/(\d+)(?:/[\w-]*)?/?(?:\?.*)?"),
        "https://www.scribd.com/embeds/{}/content",
    ),
    Provider(
        "Datawrapper",
        re.compile(rf"(?:datawrapper\.dwcdn\.net|www\.datawrapper\.de/_)/{ID}(?:/\d+)?/?"),
        "https://datawrapper.dwcdn.net/{}/",
    ),
    Provider(
        "Flourish",
        re.compile(
            r"(?:public\.flourish\.studio|flo\.uri\.sh)/(visualisation|story)/(\d+)/?(?:embed)?"
        ),
        "https://flo.uri.sh/{}/{}/embed",
    ),
    Provider(
        "Infogram",
        re.compile(rf"(?:e\.)?infogram\.com/{ID}(?:\?.*)?"),
        "https://e.infogram.com/{}",
    ),
    Provider(
        "SoundCloud",
        re.compile(r"soundcloud\.com/[\w-]+/[\w-]+/?(?:\?.*)?"),
        "https://w.soundcloud.com/player/?url={url}",
        passes_url=True,
    ),
    Provider(
        "Spotify",
        re.compile(r"open\.spotify\.com/(track|album|playlist|episode|show)/(\w+)(?:\?.*)?"),
        "https://open.spotify.com/embed/{}/{}",
    ),
]

FRAME_ORIGINS = sorted({provider.frame_origin for provider in PROVIDERS})


def _host_and_path(url: str) -> str:
    return url.removeprefix("https://") if url.startswith("https://") else ""


def provider_for(url: str) -> Provider | None:
    """The allow-listed provider whose player can show this https address, or None."""
    for provider in PROVIDERS:
        if provider.frame_url(url):
            return provider
    return None
