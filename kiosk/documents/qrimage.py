"""A QR code as an image: drawn into the PDF reminder, attached as PNG to the order e-mail (the
EPC payload of a bonifico)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

PIXELS_PER_MODULE = 8  # crisp at any print resolution; a PDF scales it to its size


def qr_image(payload: str) -> Image:
    """`payload` (UTF-8) as a QR code, level M (paper gets creased) with the standard quiet
    zone, black on white."""
    import qrcode
    from PIL import Image as PILImage
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    matrix = code.get_matrix()
    side = len(matrix)
    image = PILImage.new("L", (side, side), 255)
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    scaled = side * PIXELS_PER_MODULE
    return image.resize((scaled, scaled), PILImage.Resampling.NEAREST)


def qr_png(payload: str) -> bytes:
    """`qr_image` as PNG bytes."""
    out = io.BytesIO()
    qr_image(payload).save(out, format="PNG")
    return out.getvalue()
