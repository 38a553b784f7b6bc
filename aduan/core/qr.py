"""QR codes drawn by the server (qrcode, already used for the staff's authenticator set-up): a
PNG, attached to e-mails and shown on pages as a data URI in an <img> (the Content-Security-
Policy allows data: images and needs no inline style for it). A PNG of a receipt's URL is about
1.5 KB where the SVG is 50 KB."""

import base64
import io

import qrcode


def png(text: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(text, border=2, box_size=4).save(buffer, format="PNG")
    return buffer.getvalue()


def png_data_uri(text: str) -> str:
    return "data:image/png;base64," + base64.b64encode(png(text)).decode()
