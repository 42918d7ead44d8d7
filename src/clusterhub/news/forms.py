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
        if self.instance.pk:
            self.initial["tags_text"] = ", ".join(t.name for t in self.instance.tags.all())

    def tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags_text", "").split(",") if t.strip()]
