"""Helpers of the citizen-portal tests."""

import datetime as dt
import io

from PIL import Image

from aduan.directory.models import Region

NIK = "5204081203900001"  # Kecamatan Sumbawa, born 12 March 1990, male, serial 0001


def give_profile(user, nik=NIK, **extra):
    village = Region.objects.get(code="52.04.08.1004")
    user.full_name = extra.get("full_name", user.full_name or "Wayan Sudarsana")
    user.phone = extra.get("phone", "+6281339100011")
    user.sex = extra.get("sex", "L")
    user.birth_date = extra.get("birth_date", dt.date(1990, 3, 12))
    user.occupation, user.district, user.village, user.address = (
        "Petani",
        village.parent,
        village,
        "Jl. Garuda 1",
    )
    user.set_nik(nik)
    user.save()
    return user


def jpeg_with_gps(size=(64, 48)) -> bytes:
    """A JPEG whose EXIF carries a GPS position and a camera serial, as a phone photo does."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "S", (8.0, 29.0, 30.0), "E", (117.0, 25.0, 10.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bytes(size=(20, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def pdf_bytes(text: str = "Surat pengantar", author: str = "") -> bytes:
    """A real one-page PDF (fpdf2), optionally with an author in its document information."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    if author:
        pdf.set_author(author)
        pdf.set_creator(author)
    return bytes(pdf.output())


PDF = pdf_bytes()
