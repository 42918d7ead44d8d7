from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartneringConfig(AppConfig):
    name = "clusterhub.partnering"
    label = "partnering"
    verbose_name = _("Partnering")

    def ready(self) -> None:
        from django.utils.translation import gettext, ngettext

        from . import eligibility

        # eligibility.py is pure: it words its verdicts in the reader's language through these.
        eligibility.use_translation(gettext, ngettext)
