"""The legal team's "export the list as of a date": answers "who processed my data?" requests
(GDPR Art. 15(1)(c): the recipients of the data subject's personal data) with the public list as
it stood at the end of a day, in either language and any of the three formats.

A page of its own under the admin (``registry_public_export``), built on the same list and the
same allow-list of public fields as the public page.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .public.exports import FORMATS, export_response
from .public.publiclist import public_list_build


class PublicExportForm(forms.Form):
    as_of = forms.DateField(
        label=_("As it stood at the end of"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The list as it stood at the end of this day, rebuilt from history."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    fmt = forms.ChoiceField(
        label=_("Format"), choices=[(fmt, fmt.upper()) for fmt in FORMATS], initial="xlsx"
    )

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Choose today or a day in the past."))
        return day


@never_cache
@staff_member_required
def public_export_view(request):
    """A form (date, language, format) that answers with the file."""
    form = PublicExportForm(request.GET or None, initial={"as_of": timezone.localdate()})
    if form.is_valid():
        public_list = public_list_build(
            as_of=form.cleaned_data["as_of"], language=form.cleaned_data["language"]
        )
        response = export_response(public_list, form.cleaned_data["fmt"])
        response.headers["Cache-Control"] = "private, no-store"
        return response
    context = {
        **admin.site.each_context(request),
        "title": _("Export the sub-processor list as of a date"),
        "form": form,
    }
    return render(request, "public/admin_export.html", context)
