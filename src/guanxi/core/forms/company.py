"""The company profile form: it parses input; the service checks the images and saves."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import CompanyProfile
from guanxi.core.services.company import COMPANY_IMAGE_FIELDS, COMPANY_TEXT_FIELDS

IMAGE_ACCEPT = "image/png,image/jpeg,image/webp"


class CompanyProfileForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("PNG, JPEG or WebP, at most 2 MB."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    seal = forms.FileField(
        label=_("Seal image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_(
            "The company seal printed over the signature; a PNG with a transparent "
            "background looks best."
        ),
    )
    remove_seal = forms.BooleanField(label=_("Remove the seal image"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model's text fields (labels, lengths, e-mail check) before the image fields.
        texts = forms.fields_for_model(
            CompanyProfile,
            fields=COMPANY_TEXT_FIELDS,
            widgets={"default_terms": forms.Textarea(attrs={"rows": 6})},
        )
        self.fields = {"version": self.fields.pop("version"), **texts, **self.fields}

    @staticmethod
    def initial_for(profile: CompanyProfile) -> dict[str, Any]:
        return {
            "version": profile.version,
            **{name: getattr(profile, name) for name in COMPANY_TEXT_FIELDS},
        }

    def service_arguments(self) -> dict[str, Any]:
        """What ``company_profile_update`` takes: texts, new images and images to remove."""
        data = self.cleaned_data
        images = {name: data[name] for name in COMPANY_IMAGE_FIELDS if data.get(name)}
        clear = tuple(
            name
            for name in COMPANY_IMAGE_FIELDS
            if data.get(f"remove_{name}") and name not in images
        )
        return {
            "fields": {name: data[name] for name in COMPANY_TEXT_FIELDS},
            "images": images,
            "clear": clear,
            "expected_version": data["version"],
        }
