"""Placeholder: being written."""


def _todo(request, *args, **kwargs):
    raise NotImplementedError


calendar = _todo
cancel = _todo
detail = _todo
material = _todo
my_events = _todo
register = _todo
summary = _todo
ticket = _todo
