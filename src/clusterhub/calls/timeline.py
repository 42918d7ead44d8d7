"""When a call accepts applications: its opening, its deadline in its own time zone, and its
cut-off rounds (host calls take applications all year and judge them quarterly).

Pure: no Django import. Times are aware datetimes; the server's clock decides (the caller
passes ``now`` from it, never a time sent by the applicant).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EVERY = {"quarter": 3, "month": 1, "half_year": 6}


def gettext_noop(message: str) -> str:
    return message


@dataclass(frozen=True)
class Round:
    number: int
    opens: datetime
    cut_off: datetime  # the last instant an application counts for this round


def rounds(
    opens: datetime, closes: datetime, every: str, zone: str, cut_off_time: time = time(23, 59, 59)
) -> list[Round]:
    """The rounds from ``opens`` to ``closes``: each ends on the last day of its quarter (month,
    half-year) at ``cut_off_time`` in the call's time zone, the last one at ``closes``."""
    if every not in EVERY:
        raise ValueError(f"every: must be one of {', '.join(EVERY)}, got {every!r}")
    if closes <= opens:
        raise ValueError("the deadline must come after the opening")
    tz = ZoneInfo(zone)
    months = EVERY[every]
    out: list[Round] = []
    start = opens
    local = opens.astimezone(tz)
    # the first period boundary after the opening, on calendar periods (Jan, Apr, Jul, Oct…)
    month = ((local.month - 1) // months + 1) * months + 1
    year = local.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    while True:
        last_day = date(year, month, 1) - timedelta(days=1)
        cut = datetime.combine(last_day, cut_off_time, tzinfo=tz)
        if cut >= closes:
            out.append(Round(len(out) + 1, start, closes))
            return out
        out.append(Round(len(out) + 1, start, cut))
        start = cut + timedelta(seconds=1)
        month += months
        if month > 12:
            month -= 12
            year += 1


@dataclass(frozen=True)
class Window:
    open: bool
    message: str  # a sentence template
    params: dict

    def sentence(self, gettext=lambda m: m, written=None) -> str:
        """The sentence, its moments written by ``written`` (ISO-like by default)."""
        written = written or _iso
        params = {k: written(v) if isinstance(v, datetime) else v for k, v in self.params.items()}
        return gettext(self.message) % params


def accepting(now: datetime, opens: datetime | None, deadline: datetime, zone: str) -> Window:
    """Whether an application sent at ``now`` (the server's clock) is accepted, and why not.
    The deadline itself is the last instant accepted."""
    tz = ZoneInfo(zone)
    if opens is not None and now < opens:
        return Window(False, gettext_noop("The call opens on %(when)s (%(zone)s)."),
                      {"when": _shown(opens, tz), "zone": zone})  # fmt: skip
    if now > deadline:
        arrived = _shown(now, tz)
        return Window(False, gettext_noop(
            "The deadline was %(when)s (%(zone)s); the application arrived at %(now)s."),
            {"when": _shown(deadline, tz), "zone": zone, "now": arrived})  # fmt: skip
    return Window(True, gettext_noop("Open until %(when)s (%(zone)s)."),
                  {"when": _shown(deadline, tz), "zone": zone})  # fmt: skip


def _shown(moment: datetime, tz: ZoneInfo) -> datetime:
    """The moment on the call's clock (written by ``Window.sentence``)."""
    return moment.astimezone(tz)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S" if moment.second else "%Y-%m-%d %H:%M")
