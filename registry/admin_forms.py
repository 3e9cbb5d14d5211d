"""Admin forms: friendly fields for the JSON lists, and the cross-object rule of the locations.

The forms validate nothing themselves that the models do not: ``ModelForm`` runs the model's
``full_clean()``, the same code the roster import runs, and shows its errors under the field.
"""

from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .choices import Certification, DataCategoryCode
from .models import DataFlow, Location, SubProcessor
from .validators import flow_country_problems


class CodeListField(forms.CharField):
    """Codes typed as ``US, SG``: shown comma-separated, cleaned to a sorted list.

    Codes are kept exactly as typed (``cn`` stays ``cn``) so the model's validators, not this
    field, decide what is a code, with the same messages the roster import prints.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 60}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return sorted(value)
        text = super().to_python(value)
        return sorted(item.strip() for item in text.replace(";", ",").split(",") if item.strip())

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return self.to_python(initial or []) != self.to_python(data)


class SubProcessorForm(forms.ModelForm):
    certifications = forms.MultipleChoiceField(
        label=_("certifications"),
        choices=Certification.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = SubProcessor
        fields = [
            "slug", "name", "category", "website", "headquarters", "status", "effective_from",
            "retired_on", "public", "purpose_en", "purpose_zh_hans", "dpa_signed",
            "certifications", *SubProcessor.AI_FLAGS, "internal_notes",
        ]


class DataFlowForm(forms.ModelForm):
    data_categories = forms.MultipleChoiceField(
        label=_("data categories"),
        choices=DataCategoryCode.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Categories of personal data of the privacy policy, section 2."),
    )
    subjects = CodeListField(
        label=_("subjects"),
        help_text=_("Comma-separated: the regions EEA and ROW (every other country) or ISO "
                    "3166-1 country codes, e.g. EEA, GB, CH, US, ROW."),
    )
    countries = CodeListField(
        label=_("destination countries"),
        help_text=_("Comma-separated ISO 3166-1 codes among the sub-processor's locations, "
                    "e.g. US, SG."),
    )

    class Meta:
        model = DataFlow
        fields = ["sub_processor", "data_categories", "subjects", "countries", "purpose"]


class LocationForm(forms.ModelForm):
    """A location whose country may be left empty when its provider region is in the
    reference cloud-region table (``ap-east-1`` fills ``HK``); the country is then recorded,
    never guessed later from the region's name."""

    class Meta:
        model = Location
        fields = ["country", "region", "city"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].required = False
        self.fields["country"].help_text = _(
            "Left empty, filled from the provider region when the region is a known one."
        )

    def clean(self):
        cleaned = super().clean()
        region = cleaned.get("region") or ""
        if not cleaned.get("country") and region:
            # The admin is the outer layer: it may use what the checker's reference data knows.
            from transfers.selectors import region_countries

            known = region_countries(region)
            if len(known) == 1:
                cleaned["country"] = next(iter(known))
            else:
                self.add_error("country", _(
                    "Record the country: the region %(region)s is not one whose country the "
                    "reference data knows for certain."
                ) % {"region": region})
        return cleaned


class LocationFormSet(BaseInlineFormSet):
    """Refuses to remove or move a location whose country a data flow still names: the flow
    would then send data where the record says the sub-processor does not process it."""

    def clean(self):
        super().clean()
        if self.instance.pk is None or any(self.errors):
            return
        kept = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            country = form.cleaned_data.get("country")
            if country:
                kept.append(str(country))
            elif form.instance.pk is not None:
                kept.append(str(form.instance.country))
        named = {
            country
            for countries in self.instance.data_flows.values_list("countries", flat=True)
            for country in countries
        }
        missing = flow_country_problems(named, kept)
        if missing:
            raise forms.ValidationError(
                _("Data flows of %(sub_processor)s still send data to %(countries)s: change "
                  "those flows before removing or changing the location."),
                code="location_in_use",
                params={"sub_processor": self.instance.slug, "countries": ", ".join(missing)},
            )
