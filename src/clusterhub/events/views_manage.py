"""Placeholder: being written."""


def _todo(request, *args, **kwargs):
    raise NotImplementedError


agenda = _todo
check_in = _todo
create = _todo
dashboard = _todo
edit = _todo
materials = _todo
questions = _todo
registrations = _todo
session_edit = _todo
summary_edit = _todo
team = _todo
