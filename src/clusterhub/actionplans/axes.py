"""Axes a plan can start from. The seven axes of cluster cooperation that the CLUSTERPLAST
partners used, and the four of an Interreg policy-learning plan; a plan may also have its own."""

from django.utils.translation import gettext_lazy as _

TEMPLATES = {
    "clusterplast": (
        _("Seven axes of cluster cooperation (as in CLUSTERPLAST)"),
        [
            _("Sharing of RTD infrastructures"),
            _("Knowledge transfer"),
            _("Mobility"),
            _("Common R&D projects"),
            _("Entrepreneurship"),
            _("Education and training"),
            _("Mutual learning and mentoring"),
        ],
    ),
    "interreg": (
        _("Interreg policy learning"),
        [
            _("Improving the policy instrument"),
            _("Exchange of experience"),
            _("Pilot actions"),
            _("Monitoring and communication"),
        ],
    ),
}


def choices() -> list[tuple[str, str]]:
    return [("", _("The plan's own axes"))] + [(key, label) for key, (label, _a) in
                                                TEMPLATES.items()]  # fmt: skip
