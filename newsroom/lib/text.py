import re
from html.parser import HTMLParser


class _TextWriter(HTMLParser):
    """Story HTML as plain text: paragraphs apart, list items marked, links followed by URL."""

    BLOCKS = {"p", "h2", "h3", "h4", "blockquote", "li", "pre", "figure", "table", "tr", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        if tag == "li":
            self.parts.append("- ")
        elif tag == "cite":
            self.parts.append(" ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def paragraphs(self) -> list[str]:
        text = "".join(self.parts)
        paragraphs = (re.sub(r"[ \t]+", " ", part).strip() for part in text.split("\n\n"))
        return [paragraph for paragraph in paragraphs if paragraph]


def paragraphs(html: str | None) -> list[str]:
    """Story HTML as plain-text paragraphs (headings, list items, quotations each one), with
    list items marked and every link followed by its URL."""
    writer = _TextWriter()
    writer.feed(html or "")
    writer.close()
    return writer.paragraphs()


def html_to_text(html: str | None) -> str:
    """Story HTML as plain text, paragraphs a blank line apart."""
    return "\n\n".join(paragraphs(html))


# What XML 1.0 cannot carry and no reader needs: C0 control characters but tab, newline and
# carriage return, NUL included; lone surrogate halves (never valid Unicode, and unencodable as
# UTF-8); and the noncharacters U+FFFE and U+FFFF.
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """`text` without the characters that break XML, JSON encoders and databases (see
    UNPRINTABLE); everything a person can read, in any script, is kept."""
    return UNPRINTABLE.sub("", text)
