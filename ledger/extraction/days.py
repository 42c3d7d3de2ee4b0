"""Days: relative days and weekdays in a statement, and their spans against the publication date."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ledger.errors import UsageError
from ledger.extraction.cues import Patterns
from ledger.extraction.rules import Lexicon, norm_name


@dataclass(frozen=True)
class TimeExpression:
    """A time phrase of the statement and the span it allows."""

    phrase: str
    kind: str  # weekday, weekend, last24, day
    weekday: str | None = None
    days_back: int = 0


def parse_published(value: str | None) -> tuple[dt.date, dt.date, str] | None:
    """``--published`` as (earliest, latest, precision): YYYY-MM-DD, YYYY-MM or YYYY."""
    if value is None:
        return None
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = dt.date.fromisoformat(value)
            return day, day, "dayPrecision"
        if re.fullmatch(r"\d{4}-\d{2}", value):
            year, month = int(value[:4]), int(value[5:])
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last), "monthPrecision"
        if re.fullmatch(r"\d{4}", value):
            year = int(value)
            return dt.date(year, 1, 1), dt.date(year, 12, 31), "yearPrecision"
    except ValueError:
        pass
    raise UsageError(
        f"--published {value!r} is not a date",
        hint="give the day the article was published as YYYY-MM-DD (or YYYY-MM, YYYY)",
    )


class DayReader:
    """Finds the days a text names (a base of the extractor)."""

    text: str
    lex: Lexicon
    p: Patterns

    def _time(self, start: int, end: int) -> TimeExpression | None:
        """The first relative day or weekday in a span of the article."""
        return self.time_in(self.text[start:end])

    def time_in(self, text: str) -> TimeExpression | None:
        """The first relative day or weekday in a text."""
        m = self.p.relative_day.search(text)
        if m:
            if m.group("since"):
                day = self.lex.weekdays[m.group("sday").casefold()]
                return TimeExpression(m.group(0), "since", weekday=day)
            kind, days = self.lex.relative_days[norm_name(m.group("phrase"))]
            return TimeExpression(m.group(0), kind, days_back=days)
        w = self.p.weekday.search(text)
        if w:
            return TimeExpression(
                w.group(0), "weekday", weekday=self.lex.weekdays[w.group("day").casefold()]
            )
        return None

    def _is_time(self, phrase: str) -> bool:
        """Is the phrase a weekday or a relative day?"""
        return bool(self.p.weekday.fullmatch(phrase) or self.p.relative_day.fullmatch(phrase))


def resolved_span(
    published: tuple[dt.date, dt.date, str], time: TimeExpression, lang: str
) -> dict[str, Any]:
    """A relative time counted back from the publication date, as precise as both allow."""
    span: dict[str, Any] = {}
    earliest, latest, precision = published
    if precision == "dayPrecision":
        day = latest
        if time.kind == "weekday" and time.weekday:
            target = list(calendar.day_name).index(time.weekday)
            back = (day.weekday() - target) % 7
            start = end = day - dt.timedelta(days=back)
            span.update(
                earliest=start.isoformat(), latest=end.isoformat(), precision="dayPrecision"
            )
        elif time.kind == "since" and time.weekday:
            target = list(calendar.day_name).index(time.weekday)
            back = (day.weekday() - target) % 7
            span.update(
                earliest=(day - dt.timedelta(days=back)).isoformat(),
                latest=day.isoformat(),
                precision="weekPrecision",
            )
        elif time.kind == "weekend":
            back = (day.weekday() - 5) % 7
            saturday = day - dt.timedelta(days=back)
            span.update(
                earliest=saturday.isoformat(),
                latest=min(day, saturday + dt.timedelta(days=1)).isoformat(),
                precision="weekPrecision",
            )
        elif time.kind == "last24":
            span.update(
                earliest=(day - dt.timedelta(days=1)).isoformat(),
                latest=day.isoformat(),
                precision="weekPrecision",
            )
        else:
            one = day - dt.timedelta(days=time.days_back)
            span.update(earliest=one.isoformat(), latest=one.isoformat(), precision="dayPrecision")
    else:
        # only the month (or year) is known: the days before it may fall in the month before
        span.update(
            earliest=(earliest - dt.timedelta(days=7)).isoformat(),
            latest=latest.isoformat(),
            precision=precision,
        )
    if time.weekday:
        span["dayOfWeek"] = time.weekday
    span["relativeTo"] = "draft:article"
    span["phrase"] = {lang: time.phrase}
    return span
