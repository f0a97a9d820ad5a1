"""The Dutch public holidays of the Algemene termijnenwet (Atw) art. 3, named in Dutch and English.

Atw (Wet van 25 juli 1964, Stb. 1964, 314), art. 3, as quoted by juridischwoordenboek.nl
("Algemene Termijnenwet (ATW)") and staatsrechtpraktijk.nl ("Nieuwjaarsdag en Kerstmis in het
staatsrecht", 1 January 2018); the official text on wetten.overheid.nl (BWBR0002448) was not read:

    1. Algemeen erkende feestdagen in de zin van deze wet zijn: de Nieuwjaarsdag, de Christelijke
       tweede Paas- en Pinksterdag, de beide Kerstdagen, de Hemelvaartsdag, de dag waarop de
       verjaardag van de Koning wordt gevierd en de vijfde mei.
    2. Voor de toepassing van deze wet wordt de Goede Vrijdag met de in het vorige lid genoemde
       dagen gelijkgesteld.
    3. Wij kunnen bepaalde dagen voor de toepassing van deze wet met de in het eerste lid genoemde
       gelijkstellen. Ons besluit wordt in de Nederlandse Staatscourant openbaar gemaakt.

The King's birthday is celebrated on 27 April, "behoudens uitzonderingen in verband met zondagen"
(Besluit van 30 januari 2013, nr. 13.000173, Stcrt. 2013, 4075, in force 1 January 2014); that it
moves to Saturday 26 April when 27 April is a Sunday is the practice (as in 2025), not that
decree's text. Before 2014 the day was Koninginnedag, which this calendar does not compute. The
days of art. 3(3) are dated data in data/atw_equal_days.yaml, each with its decree and source.
Easter is the Western (Gregorian) Easter Sunday of dateutil.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from types import MappingProxyType

import yaml
from dateutil.easter import easter

from registry.text import Name

FIRST_KINGS_DAY_YEAR = 2014
ART_3_1 = "Atw art. 3(1)"
ART_3_2 = "Atw art. 3(2)"

# Each day's name as the law says it in Dutch, and in English: data, not the portal's catalogue, so that the
# Dutch is the statute's own term whatever a translator does.
NEW_YEAR = Name({"nl": "Nieuwjaarsdag", "en": "New Year's Day"})
GOOD_FRIDAY = Name({"nl": "Goede Vrijdag", "en": "Good Friday"})
EASTER_MONDAY = Name({"nl": "Tweede Paasdag", "en": "Easter Monday"})
KINGS_DAY = Name({"nl": "Koningsdag", "en": "King's Day"})
LIBERATION_DAY = Name({"nl": "Bevrijdingsdag", "en": "Liberation Day"})
ASCENSION_DAY = Name({"nl": "Hemelvaartsdag", "en": "Ascension Day"})
WHIT_MONDAY = Name({"nl": "Tweede Pinksterdag", "en": "Whit Monday"})
CHRISTMAS_DAY = Name({"nl": "Eerste Kerstdag", "en": "Christmas Day"})
SECOND_CHRISTMAS_DAY = Name({"nl": "Tweede Kerstdag", "en": "Second Day of Christmas"})
EQUAL_BY_DECREE = Name(
    {
        "nl": "dag bij koninklijk besluit gelijkgesteld met een feestdag, Atw art. 3 lid 3",
        "en": "day equal to a public holiday by royal decree under Atw art. 3(3)",
    }
)


@dataclass(frozen=True)
class PublicHoliday:
    """A day that counts as a generally recognised public holiday, with the provision or decree behind it."""

    day: date
    names: Name
    source: str

    def name(self, language: str = "en") -> str:
        """The day's name in Dutch for "nl", else in English."""
        return self.names.in_language(language)


def kings_day(year: int) -> date | None:
    """The day the King's birthday is celebrated: 27 April, or Saturday 26 April when the 27th is a Sunday."""
    if year < FIRST_KINGS_DAY_YEAR:
        return None
    day = date(year, 4, 27)
    return day - timedelta(days=1) if day.weekday() == 6 else day


@cache
def _decrees() -> tuple[dict, ...]:
    with resources.files("registry.data").joinpath("atw_equal_days.yaml").open(encoding="utf-8") as fh:
        return tuple(yaml.safe_load(fh)["decrees"])


def _statutory(year: int) -> list[PublicHoliday]:
    sunday = easter(year)
    days = [
        PublicHoliday(date(year, 1, 1), NEW_YEAR, ART_3_1),
        PublicHoliday(sunday - timedelta(days=2), GOOD_FRIDAY, ART_3_2),
        PublicHoliday(sunday + timedelta(days=1), EASTER_MONDAY, ART_3_1),
        PublicHoliday(date(year, 5, 5), LIBERATION_DAY, ART_3_1),
        PublicHoliday(sunday + timedelta(days=39), ASCENSION_DAY, ART_3_1),
        PublicHoliday(sunday + timedelta(days=50), WHIT_MONDAY, ART_3_1),
        PublicHoliday(date(year, 12, 25), CHRISTMAS_DAY, ART_3_1),
        PublicHoliday(date(year, 12, 26), SECOND_CHRISTMAS_DAY, ART_3_1),
    ]
    king = kings_day(year)
    if king is not None:
        days.append(PublicHoliday(king, KINGS_DAY, ART_3_1))
    return days


@cache
def public_holidays(year: int) -> Mapping[date, PublicHoliday]:
    """Every public holiday of a year under Atw art. 3(1) and 3(2), and the days decreed equal to them (3(3))."""
    calendar = {holiday.day: holiday for holiday in _statutory(year)}
    for decree in _decrees():
        for day in decree["days"]:
            # A decree day that is already a holiday keeps the holiday's own name.
            if day.year == year and day not in calendar:
                calendar[day] = PublicHoliday(day, EQUAL_BY_DECREE, decree["title"])
    return MappingProxyType(calendar)


def public_holiday(day: date) -> PublicHoliday | None:
    """The public holiday on a day under Atw art. 3, if any."""
    return public_holidays(day.year).get(day)
