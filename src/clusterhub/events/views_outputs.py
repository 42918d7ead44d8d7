"""Placeholder: being written."""


def _todo(request, *args, **kwargs):
    raise NotImplementedError


attendance = _todo
badges = _todo
booklet = _todo
calendar_feed = _todo
event_ics = _todo
participants_export = _todo
session_ics = _todo
