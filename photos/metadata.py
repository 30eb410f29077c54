"""What an original tells us without decoding its pixels: hash, upright size and credits.

Credits come from the agency's IPTC IIM and XMP (see NEWSROOM.md, "Photo metadata"); XMP is
Unicode by definition, so it is read first and IIM fills what it lacks.
"""

import hashlib
from dataclasses import dataclass, field
from typing import IO
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from PIL import Image

from newsroom.lib.text import clean_text
from photos.decoding import open_accepted, upright_size

# (record, dataset) of IPTC IIM, and the XMP property, for each of our fields. The first value
# found wins: XMP is Unicode by definition, so it is read before IIM.
IIM_FIELDS = {
    "photographer": [(2, 80)],
    "agency": [(2, 110)],
    "providers": [(2, 115)],
    "copyright_notice": [(2, 116)],
    "caption": [(2, 120)],
    "special_instructions": [(2, 40)],
    "reference_id": [(2, 103), (2, 5)],
}
NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
XMP_FIELDS = {
    "photographer": ["dc:creator"],
    "agency": ["photoshop:Credit"],
    "providers": ["photoshop:Source"],
    "copyright_notice": ["dc:rights"],
    "caption": ["dc:description"],
    "special_instructions": ["photoshop:Instructions"],
    "reference_id": ["photoshop:TransmissionReference", "dc:title"],
    "alt_text": ["Iptc4xmpCore:AltTextAccessibility"],
}
UTF8_ESCAPE = b"\x1b%G"  # IIM 1:90 Coded Character Set for UTF-8


def content_hash(file: IO[bytes]) -> str:
    """SHA-256 of the whole file, read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


# --- IPTC IIM -------------------------------------------------------------------------------


def parse_iim(data: bytes) -> dict[tuple[int, int], list[bytes]]:
    """IPTC IIM datasets as {(record, dataset): [raw bytes, ...]}; stops at the first damage."""
    datasets: dict[tuple[int, int], list[bytes]] = {}
    position = 0
    while position + 5 <= len(data):
        if data[position] != 0x1C:
            break
        record, dataset = data[position + 1], data[position + 2]
        length = int.from_bytes(data[position + 3 : position + 5], "big")
        position += 5
        if length & 0x8000:  # extended dataset: the length is in the next N bytes
            size = length & 0x7FFF
            length = int.from_bytes(data[position : position + size], "big")
            position += size
        datasets.setdefault((record, dataset), []).append(data[position : position + length])
        position += length
    return datasets


def _decode_iim(raw: bytes, utf8: bool) -> str:
    if utf8:
        return raw.decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Without 1:90 agencies mostly write Windows Latin-1; its undefined bytes are ISO Latin-1.
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def _photoshop_iim(image: Image.Image) -> bytes:
    """The IIM block from a JPEG's Photoshop APP13 segment (resource 0x0404), if any."""
    resources: dict[int, bytes] = image.info.get("photoshop") or {}
    return resources.get(0x0404, b"")


def read_iim(image: Image.Image) -> dict[str, str]:
    datasets = parse_iim(_photoshop_iim(image))
    utf8 = any(value.startswith(UTF8_ESCAPE) for value in datasets.get((1, 90), []))
    values = {}
    for name, keys in IIM_FIELDS.items():
        for key in keys:
            texts = [_decode_iim(raw, utf8).strip() for raw in datasets.get(key, [])]
            texts = [text for text in texts if text]
            if texts:
                values[name] = ", ".join(texts)
                break
    return values


def embed_iim(jpeg: bytes, datasets: dict[tuple[int, int], str]) -> bytes:
    """A copy of a JPEG carrying IPTC IIM datasets {(2, 80): "text"} in UTF-8 (for the demo)."""
    iim = b"\x1c\x01\x5a\x00\x03" + UTF8_ESCAPE
    for (record, dataset), text in datasets.items():
        value = text.encode()
        iim += bytes([0x1C, record, dataset]) + len(value).to_bytes(2, "big") + value
    if len(iim) % 2:
        iim += b"\x00"
    resource = b"8BIM\x04\x04\x00\x00" + len(iim).to_bytes(4, "big") + iim
    segment = b"Photoshop 3.0\x00" + resource
    return jpeg[:2] + b"\xff\xed" + (len(segment) + 2).to_bytes(2, "big") + segment + jpeg[2:]


# --- XMP ------------------------------------------------------------------------------------


def _xmp_packet(image: Image.Image) -> bytes:
    for key in ("xmp", "XML:com.adobe.xmp"):
        packet: str | bytes | None = image.info.get(key)
        if packet:
            return packet.encode() if isinstance(packet, str) else packet
    return b""


def _xmp_value(descriptions: list[Element], qualified: str) -> str:
    prefix, local = qualified.split(":")
    tag = f"{{{NS[prefix]}}}{local}"
    for description in descriptions:
        if tag in description.attrib:
            return description.attrib[tag].strip()
        element = description.find(tag)
        if element is None:
            continue
        items = element.findall(f".//{{{NS['rdf']}}}li")
        if not items:
            return (element.text or "").strip()
        default = [li for li in items if li.get(f"{{{NS['xml']}}}lang") == "x-default"]
        if element.find(f"{{{NS['rdf']}}}Alt") is not None:
            return ((default or items)[0].text or "").strip()
        return ", ".join((li.text or "").strip() for li in items if (li.text or "").strip())
    return ""


def _parse_xmp(packet: bytes) -> Element | None:
    """The packet's XML root, or None. Tries the whole packet, then the part from its first
    element (some writers put bytes before it), parsed with entity expansion forbidden."""
    first_element = packet.find(b"<", packet.find(b"?>") + 2 if packet.startswith(b"<?") else 0)
    for xml in (packet, packet[first_element:].rstrip(b"\x00 \r\n\t")):
        try:
            return ElementTree.fromstring(xml)
        except Exception:  # noqa: S112 - a damaged or hostile packet is skipped, never fatal
            continue
    return None


def read_xmp(image: Image.Image) -> dict[str, str]:
    packet = _xmp_packet(image)
    root = _parse_xmp(packet) if packet else None
    if root is None:
        return {}
    descriptions = list(root.iter(f"{{{NS['rdf']}}}Description"))
    values = {}
    for name, properties in XMP_FIELDS.items():
        for qualified in properties:
            if value := _xmp_value(descriptions, qualified):
                values[name] = value
                break
    return values


def read_metadata(image: Image.Image) -> dict[str, str]:
    """Our fields from the file's XMP, then its IPTC IIM: {"caption": "...", ...}.

    Agencies' files can carry control characters and NUL bytes, which no field may store:
    they are dropped here, as from everything typed (newsroom.lib.text.clean_text)."""
    values = {
        name: cleaned
        for name, value in (read_iim(image) | read_xmp(image)).items()
        if (cleaned := clean_text(value).strip())
    }
    # Source often repeats the Credit ("REUTERS"/"Reuters"); only a different one is a provider.
    providers = values.get("providers")
    if providers and providers.casefold() in {
        values.get("agency", "").casefold(),
        values.get("photographer", "").casefold(),
    }:
        values.pop("providers")
    return values


# --- An original as a whole -----------------------------------------------------------------


@dataclass
class Original:
    content_hash: str
    width: int
    height: int
    metadata: dict[str, str] = field(default_factory=dict)


def inspect_original(file: IO[bytes]) -> Original:
    """Hash, upright size and metadata of an original, without decoding its pixels."""
    digest = content_hash(file)
    image = open_accepted(file)
    width, height = upright_size(image)
    metadata = read_metadata(image)
    file.seek(0)
    return Original(digest, width, height, metadata)
