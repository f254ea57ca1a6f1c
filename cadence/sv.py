"""Swedish words for dates, used wherever the coordinator or a calendar reads them."""

from __future__ import annotations

import unicodedata
from datetime import date

WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip


def weekday(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def day_month(day: date) -> str:
    """``17 april``: how Swedish texts name a day in the current year."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def iso_week(day: date) -> int:
    return day.isocalendar().week


def month_year(day: date) -> str:
    """``juli 2026``."""
    return f"{MONTHS[day.month - 1]} {day.year}"


_ASCII = str.maketrans({"Ä": "AE", "Ö": "OE", "Å": "AA", "ä": "ae", "ö": "oe", "å": "aa"})


def ascii_slug(text: str) -> str:
    """``BGÄ`` → ``bgae``: for file names, URLs and UIDs that some clients mangle otherwise."""
    text = text.translate(_ASCII)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
