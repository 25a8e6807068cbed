"""Reading generated documents back, for the tests: PDF text and QR code, FatturaPA checked
against the official schema (a copy in tests/data, so no test needs the network or ../shared)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "fatturapa-1.2.2"
MAIN_XSD = SCHEMA_DIR / "Schema_del_file_xml_FatturaPA_v1.2.2.xsd"
XMLDSIG_XSD = SCHEMA_DIR / "xmldsig-core-schema.xsd"


@cache
def fatturapa_schema() -> Any:
    """The FatturaPA 1.2.2 schema (built once per process: it takes a second)."""
    import xmlschema

    return xmlschema.XMLSchema(
        str(MAIN_XSD), locations={"http://www.w3.org/2000/09/xmldsig#": str(XMLDSIG_XSD)}
    )


def assert_valid_fatturapa(data: bytes | Path) -> ET.Element:
    """Validate against the XSD (raising with the schema's own words) and return the root."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    fatturapa_schema().validate(raw.decode("utf-8"))
    return ET.fromstring(raw)


def text_of(root: ET.Element, path: str) -> str:
    found = root.find(path)
    assert found is not None and found.text is not None, f"{path} missing"
    return found.text


def cents(root: ET.Element, path: str) -> int:
    """An amount of the XML (`12.20`) as cents, exactly."""
    return int(Decimal(text_of(root, path)) * 100)


def pdf_text(path: Path) -> str:
    """Every page's text, with runs of whitespace (non-breaking spaces too) as one space."""
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


def pdf_qr(path: Path) -> str:
    """The text of the one QR code drawn in the PDF (its image, as a phone would read it)."""
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    images = [image for page in PdfReader(path).pages for image in page.images]
    assert len(images) == 1, f"{len(images)} images in {path.name}"
    picture = images[0].image
    assert picture is not None
    canvas = Image.new("L", (picture.width + 80, picture.height + 80), 255)
    canvas.paste(picture.convert("L"), (40, 40))
    results = zxingcpp.read_barcodes(canvas)
    assert len(results) == 1, f"{len(results)} codes found"
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return str(results[0].text)
