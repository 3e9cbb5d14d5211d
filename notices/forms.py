"""Public forms: subscribing to notices (double opt-in) and objecting to one."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Language


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices,
                                 initial=Language.EN, required=False,
                                 help_text=_("Default: the language of the page."))


class ObjectionForm(forms.Form):
    reason = forms.CharField(label=_("Reason for your objection"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 6}))
