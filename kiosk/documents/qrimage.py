"""A QR code as a PNG image (the EPC payload of a bonifico, attached to the order e-mail)."""

from __future__ import annotations

import io

PIXELS_PER_MODULE = 8


def qr_png(payload: str) -> bytes:
    """`payload` (UTF-8) as a QR code, level M with the standard quiet zone, black on white."""
    import qrcode
    from PIL import Image
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    matrix = code.get_matrix()
    side = len(matrix)
    image = Image.new("L", (side, side), 255)
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    scaled = side * PIXELS_PER_MODULE
    out = io.BytesIO()
    image.resize((scaled, scaled), Image.Resampling.NEAREST).save(out, format="PNG")
    return out.getvalue()
