from django import forms
from django.utils.translation import gettext_lazy as _

from clusterhub.reference.models import Ecosystem

from .models import Article


class ArticleForm(forms.ModelForm):
    tags_text = forms.CharField(label=_("Tags (separated by commas)"), required=False,
                                max_length=300)  # fmt: skip
    ecosystems = forms.ModelMultipleChoiceField(
        queryset=Ecosystem.objects.all(), required=False, label=_("Ecosystems"),
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    picture = forms.FileField(label=_("Picture (JPEG, PNG or WebP, 2 MB at most)"), required=False)
    events = forms.ModelMultipleChoiceField(queryset=None, required=False,
                                            label=_("Related events"))  # fmt: skip
    calls = forms.ModelMultipleChoiceField(queryset=None, required=False,
                                           label=_("Related calls"))  # fmt: skip
    consultations = forms.ModelMultipleChoiceField(queryset=None, required=False,
                                                   label=_("Related consultations"))  # fmt: skip
    opportunities = forms.ModelMultipleChoiceField(queryset=None, required=False,
                                                   label=_("Related opportunities"))  # fmt: skip

    class Meta:
        model = Article
        fields = ["organisation", "title", "summary", "body", "picture_alt", "ecosystems"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12}),
                   "summary": forms.Textarea(attrs={"rows": 2})}  # fmt: skip
        help_texts = {"body": _("Markdown: **bold**, *italic*, [link](https://…), lists, "
                                "headings. HTML is not interpreted.")}  # fmt: skip

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        from datetime import timedelta

        from django.utils import timezone

        from clusterhub.calls.selectors import published_calls
        from clusterhub.consultations.selectors import public_consultations
        from clusterhub.events.selectors import public_events
        from clusterhub.partnering.selectors import visible_opportunities

        recent = timezone.now() - timedelta(days=365)  # a filter, not a slice: it is validated
        self.fields["events"].queryset = public_events().filter(end__gte=recent).order_by("-start")
        self.fields["calls"].queryset = published_calls()
        self.fields["consultations"].queryset = public_consultations()
        self.fields["opportunities"].queryset = visible_opportunities().order_by("-created")
        if self.instance.pk:
            for name in ("events", "calls", "consultations", "opportunities"):
                linked = getattr(self.instance, name).values_list("pk", flat=True)
                self.initial[name] = list(linked)
        if self.instance.pk:
            self.initial["tags_text"] = ", ".join(t.name for t in self.instance.tags.all())

    def tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags_text", "").split(",") if t.strip()]
