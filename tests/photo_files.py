"""Real photo files for the photo tests, with IPTC IIM, XMP and EXIF written byte by byte here.

Written independently of photos/metadata.py and photos/renditions.py, so a bug there cannot
cancel out a bug here.
"""

import io
import struct
import zlib

from PIL import Image
from PIL.PngImagePlugin import PngInfo

NOTE_TO_EDITORS = "ATTENTION EDITORS - SECRET-NOTE-4711 - HANDOUT, EDITORIAL USE ONLY"
PICTURE_ID = "RTX9Z9QK"

XMP_TEMPLATE = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
    photoshop:Credit="AGENCE ÉCLAIR"
    photoshop:Source="Ville de Lyon"
    photoshop:TransmissionReference="ECL-2026-0042">
   <dc:creator><rdf:Seq><rdf:li>Zoë Łukasiewicz</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt>
     <rdf:li xml:lang="fr">Des grues au port</rdf:li>
     <rdf:li xml:lang="x-default">Cranes at the port of Lyon, seen from the Saône</rdf:li>
   </rdf:Alt></dc:description>
   <dc:rights><rdf:Alt>
     <rdf:li xml:lang="x-default">© 2026 Agence Éclair</rdf:li>
   </rdf:Alt></dc:rights>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">port-cranes</rdf:li></rdf:Alt></dc:title>
   <photoshop:Instructions>{note}</photoshop:Instructions>
   <Iptc4xmpCore:AltTextAccessibility><rdf:Alt>
     <rdf:li xml:lang="x-default">Two yellow cranes above a river quay</rdf:li>
   </rdf:Alt></Iptc4xmpCore:AltTextAccessibility>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def xmp_packet(note=NOTE_TO_EDITORS):
    return XMP_TEMPLATE.format(note=note).encode()


def iim(datasets, encoding="utf-8", declare_utf8=True, errors="strict"):
    """IPTC IIM bytes: [((record, dataset), text), ...], with 1:90 saying UTF-8 if asked
    (errors="surrogatepass" writes lone surrogates as the invalid bytes a broken tool would)."""
    data = b""
    if declare_utf8:
        data += struct.pack(">BBBH", 0x1C, 1, 90, 3) + b"\x1b%G"
    for (record, dataset), text in datasets:
        value = text.encode(encoding, errors)
        data += struct.pack(">BBBH", 0x1C, record, dataset, len(value)) + value
    return data


def with_iim(jpeg, iim_bytes):
    """The JPEG with an APP13 "Photoshop 3.0" segment holding the IIM (resource 0x0404)."""
    if len(iim_bytes) % 2:
        iim_bytes += b"\x00"
    resource = b"8BIM" + struct.pack(">HHI", 0x0404, 0, len(iim_bytes)) + iim_bytes
    segment = b"Photoshop 3.0\x00" + resource
    return jpeg[:2] + b"\xff\xed" + struct.pack(">H", len(segment) + 2) + segment + jpeg[2:]


def gps_exif(orientation=1):
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "SpyCam"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (51.0, 30.0, 12.5), 3: "E", 4: (0.0, 7.0, 39.0)})
    return exif


def two_colour(size=(1600, 900)):
    """Red on the left half, blue on the right: shows which part a crop kept."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    return image


def encode(image, image_format="JPEG", **options):
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def jpeg(size=(800, 450), **options):
    return encode(two_colour(size), "JPEG", quality=85, **options)


def png_with_xmp(size=(900, 600), xmp=None):
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", (xmp or xmp_packet()).decode())
    return encode(Image.new("RGBA", size, (10, 120, 60, 200)), "PNG", pnginfo=info)


def png_claiming_size(width, height):
    """A tiny PNG whose header claims width × height pixels: a decompression bomb's calling card."""
    data = bytearray(encode(Image.new("L", (8, 8)), "PNG"))
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)
