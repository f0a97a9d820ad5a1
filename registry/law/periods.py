"""Periods and deadlines computed by analogy with Regulation (EEC, Euratom) No 1182/71, article 3.

A period in days or months starts the day after the event (3(1)); a period in
months ends on the same date of the last month or, where that month has no such
date, on its last day (3(2)(c)); a deadline for the controller to act that ends
on a Saturday, Sunday or Dutch public holiday (Atw art. 3, calendar_nl) runs to the end of the next
working day (3(4)). Dates are calendar days in Europe/Amsterdam; "end of day" is
23:59:59.999999 there, stored as UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from registry.law.holidays import public_holiday
from registry.text import Joined, Name, Text, _

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A private contract is not bound by Reg. 1182/71 or the Algemene termijnenwet (both govern periods set by law):
# the portal applies Reg. 1182/71 art. 3 by analogy, and says so beside every date it computes.
RULE_ANALOGY = _(
    "Computed by analogy with Reg. (EEC, Euratom) No 1182/71 art. 3; the contract does not say how periods are counted."
)
RULE_DAYS = _("Art. 3(1): the day of the event does not count; the period ends at the end of its last day.")
RULE_MONTHS = _(
    "Art. 3(1) and 3(2)(c): the period ends at the end of the day with the same date in the last month, "
    "or of that month's last day where it has no such date."
)
RULE_ROLL = _(
    "Art. 3(4): a period to act that ends on a Saturday, Sunday or public holiday (Algemene termijnenwet "
    "art. 3) ends at the end of the next working day."
)
RULE_BACKWARDS = _(
    "A notice period is counted back from the effective date, so it does not move off weekends or "
    "holidays (art. 3(4), second subparagraph: not for periods calculated back from a date)."
)
RULE_CONTRACT_END = _("This is the day the contract ends, not a deadline to act: it does not move to a working day.")
# Why a day is not a working day when it is no public holiday: its weekday (Monday first, as date.weekday()).
WEEKDAYS = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"))


def holiday_name(day: date, language: str = "en") -> str | None:
    """The Dutch public holiday on a day, if any (Algemene termijnenwet art. 3), named in `language`."""
    holiday = public_holiday(day)
    return holiday.name(language) if holiday else None


def holiday(day: date) -> Name | None:
    """The Dutch public holiday on a day, if any, named in both languages (shown in the reader's)."""
    found = public_holiday(day)
    return found.names if found else None


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and public_holiday(day) is None


def next_working_day(day: date) -> date:
    """The day itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_days(start: date, days: int) -> date:
    """The last day of a period of days running from an event on `start`."""
    return start + timedelta(days=days)


def add_months(start: date, months: int) -> date:
    """The last day of a period of months running from an event on `start` (added at once, not month by month)."""
    return start + relativedelta(months=months)


def local_day(instant: datetime) -> date:
    """The calendar day in Europe/Amsterdam of an aware instant."""
    return instant.astimezone(AMSTERDAM).date()


def end_of_day(day: date) -> datetime:
    """The last instant of a calendar day in Amsterdam, as an aware UTC datetime."""
    local = datetime.combine(day, time(23, 59, 59, 999999), tzinfo=AMSTERDAM)
    return local.astimezone(UTC)


@dataclass(frozen=True)
class Deadline:
    """A computed last day, with the rules that gave it, for showing to the user."""

    day: date
    rules: tuple[Text, ...]
    rolled_from: date | None = None

    @property
    def ends_at(self) -> datetime:
        return end_of_day(self.day)

    @property
    def explanation(self) -> Joined:
        """The rules behind the day, one sentence each, starting with the analogy they rest on; where the day
        moved, the day it would have been and why (a holiday's name, else its weekday)."""
        sentences = [RULE_ANALOGY, *self.rules]
        if self.rolled_from is not None:
            reason = holiday(self.rolled_from) or WEEKDAYS[self.rolled_from.weekday()]
            sentences.append(
                _("The period would have ended on %(day)s (%(reason)s).", day=self.rolled_from, reason=reason)
            )
        return Joined(sentences)

    @classmethod
    def as_recorded(cls, last_day: str, rolled_from: str | None) -> Deadline:
        """A deadline to act from the ISO days stored with an announcement, to explain it again in any language."""
        moved = date.fromisoformat(rolled_from) if rolled_from else None
        return cls(date.fromisoformat(last_day), (RULE_DAYS, RULE_ROLL) if moved else (RULE_DAYS,), moved)

    @classmethod
    def notice_as_recorded(cls, last_day: str) -> Deadline:
        return cls(date.fromisoformat(last_day), (RULE_DAYS, RULE_BACKWARDS))


def deadline_to_act(start: date, days: int) -> Deadline:
    """The last day for the controller to act (object, consent) within `days` of an event on `start`."""
    last = add_days(start, days)
    rolled = next_working_day(last)
    if rolled != last:
        return Deadline(rolled, (RULE_DAYS, RULE_ROLL), rolled_from=last)
    return Deadline(last, (RULE_DAYS,))


def notice_period(start: date, days: int) -> Deadline:
    """The last day of the processor's notice period given on `start`; the change may take effect the day after.

    Not moved off weekends or holidays: the period is counted back from the effective date.
    """
    return Deadline(add_days(start, days), (RULE_DAYS, RULE_BACKWARDS))


def termination_end(start: date, months: int) -> Deadline:
    """The day a contract ends after notice of termination in months given on `start`; it does not move."""
    return Deadline(add_months(start, months), (RULE_MONTHS, RULE_CONTRACT_END))
