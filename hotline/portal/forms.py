from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hotline.cases.models import Category, RequestType
from hotline.cases.request_types import HINTS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > 3:
            raise forms.ValidationError(_("At most three photos."))
        return [super(PhotosField, self).clean(f, initial) for f in files]


class RequestTypeChoice(forms.ModelChoiceField):
    """N1: the type by its name and a one-line hint."""

    def label_from_instance(self, request_type):
        hint = HINTS.get(request_type.code)
        return f"{request_type.name} — {hint}" if hint else request_type.name


class SubmitForm(forms.Form):
    submission = forms.UUIDField(widget=forms.HiddenInput)
    request_type = RequestTypeChoice(
        label=_("What kind of request is it?"),
        queryset=RequestType.objects.filter(is_active=True),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of request it is.")},
    )
    content = forms.CharField(
        label=_("What is the matter?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Where, when, what happened, and what you would like done."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    mobile = forms.RegexField(
        label=_("Mobile"),
        regex=r"^1[3-9]\d{9}$",
        error_messages={"invalid": _("Enter an 11-digit mobile number.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    disclosure_allowed = forms.TypedChoiceField(
        label=_("May your matter and its reply be published (without your details)?"),
        choices=[("yes", _("yes")), ("no", _("no, handle it internally"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    photos = PhotosField(label=_("Photos (up to three; images or PDF)"), required=False)
    # A field people never see: whoever fills it in is a robot.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # N2: as the person types, articles that may already answer them.
        self.fields["content"].widget.attrs.update(
            {
                "hx-get": reverse("portal-suggested-articles"),
                "hx-trigger": "input changed delay:600ms",
                "hx-target": "#suggested-articles",
                "hx-sync": "this:replace",
            }
        )


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=20)
    code = forms.CharField(label=_("Query code"), max_length=20)


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("Are you satisfied with the result?"),
        choices=[
            ("satisfied", _("satisfied")),
            ("basically_satisfied", _("basically satisfied")),
            ("dissatisfied", _("dissatisfied")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
