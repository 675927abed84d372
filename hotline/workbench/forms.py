"""The workbench's forms: one per action, each field labelled in the user's
language. They check the shape of the input; the workflow's verbs check the
rules."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from hotline.cases.filters import MAX_ID
from hotline.cases.models import (
    Category,
    Channel,
    InternalReason,
    RefusalReason,
    Requester,
    RequestType,
)
from hotline.cases.request_types import REQUEST_TYPES, active_request_types
from hotline.organisation.models import Unit

TEXT = forms.Textarea(attrs={"rows": 3})


class UnitPicker(forms.Select):
    """A unit list the picker script (static/hotline/unit-filter.js) makes
    searchable: each option carries what finds it (name, aliases, their
    pinyin and initials) and its district. Without JavaScript it is a
    plain select."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        unit = getattr(value, "instance", None)
        if unit is not None:
            option["attrs"]["data-search"] = unit.search_terms
            if unit.district_id is not None:
                option["attrs"]["data-district"] = unit.district.name
        return option


class UnitsPicker(UnitPicker, forms.SelectMultiple):
    pass


class PinyinOrder(ModelChoiceIterator):
    """Units in pinyin order, not the code points of their names (issue 15)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for unit in sorted(self.queryset.select_related("district"), key=lambda u: u.sort_key):
            yield self.choice(unit)


class UnitChoice(forms.ModelChoiceField):
    """One unit, by its name alone: the kind added nothing but noise."""

    iterator = PinyinOrder
    widget = UnitPicker

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("data-filter", _("type a name, short name or initials"))

    def label_from_instance(self, unit):
        return unit.name


class UnitsChoice(forms.ModelMultipleChoiceField):
    iterator = PinyinOrder
    widget = UnitsPicker

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("data-filter", _("type a name, short name or initials"))

    def label_from_instance(self, unit):
        return unit.name


# Units that handle cases (R4, R6): no bureaus, no service center, no
# general office or information center.
HANDLING_UNITS = Unit.objects.filter(
    is_active=True,
    kind__in=(
        Unit.Kind.DEPARTMENT,
        Unit.Kind.DISCIPLINE_COMMISSION,
        Unit.Kind.EFFICIENCY_OFFICE,
    ),
)


class VersionedForm(forms.Form):
    """Every action form carries the case version the user saw, so an
    action on a case that changed meanwhile is refused, and a double submit
    does nothing twice."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ID)


class EmptyForm(VersionedForm):
    pass


class RefuseForm(VersionedForm):
    # No reason is chosen for the dispatcher (issue 15: the first one,
    # "breaks the constitution or laws", was the default).
    reason = forms.TypedChoiceField(
        label=_("Reason"),
        choices=[("", _("— choose the reason —")), *RefusalReason.choices],
        coerce=int,
        empty_value=None,
        error_messages={"required": _("Choose the reason for refusing.")},
    )
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT)


class AcceptForm(VersionedForm):
    city_final_review = forms.BooleanField(  # R8.4b
        label=_("Major or sensitive: the city bureau reviews the reply"), required=False
    )


def request_type_field(**kwargs) -> forms.ModelChoiceField:
    """N1: the request types in use, by name, in the list's order."""
    return forms.ModelChoiceField(
        label=_("Request type"),
        queryset=RequestType.objects.filter(is_active=True),
        empty_label=None,
        error_messages={"required": _("Choose the request type.")},
        **kwargs,
    )


class MergeForm(VersionedForm):
    # N4: this case follows the lead named here.
    lead = forms.CharField(label=_("Lead case number"), max_length=20)


class MergeHereForm(VersionedForm):
    # N4: the cases chosen among the candidates, merged into this one.
    cases = forms.CharField(widget=forms.MultipleHiddenInput, required=False)


class RetypeForm(VersionedForm):
    request_type = request_type_field()


class DeclineForm(VersionedForm):
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT)


class ClassifyForm(VersionedForm):
    mode = forms.ChoiceField(
        label=_("Handling"),
        choices=[("public", _("public handling")), ("internal", _("internal handling"))],
        widget=forms.RadioSelect,
    )
    reason = forms.TypedChoiceField(  # the four of R6
        label=_("Reason for internal handling"),
        choices=[("", "—"), *InternalReason.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def clean(self):
        data = super().clean()
        if data.get("mode") == "internal" and not data.get("reason"):
            self.add_error("reason", _("Choose the reason for internal handling."))
        return data


class ScreeningForm(ClassifyForm):
    """Accept and classify, on the screening screen beside where the case
    goes (issue 15)."""

    city_final_review = AcceptForm.base_fields["city_final_review"]
    # N1: the bureau corrects the type while it screens; left out, the
    # case keeps the type it has.
    request_type = request_type_field(required=False)


class PlanForm(forms.Form):
    """Where one part goes (R4, R8.6, R8.7)."""

    MODES = [
        ("sole", _("one unit")),
        ("joint", _("lead unit with co-handlers")),
        ("district", _("district petition bureau")),
    ]
    description = forms.CharField(label=_("This part's matter"), required=False)
    mode = forms.ChoiceField(label=_("Send to"), choices=MODES, initial="sole")
    unit = UnitChoice(label=_("Unit (or lead unit)"), queryset=Unit.objects.none(), required=False)
    co = UnitsChoice(label=_("Co-handling units"), queryset=Unit.objects.none(), required=False)
    district_bureau = UnitChoice(
        label=_("District petition bureau"), queryset=Unit.objects.none(), required=False
    )
    instruction = forms.CharField(
        label=_("Dispatch instruction"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # N5: asked for by the dispatch verb when the plan differs from every
    # suggestion of the dispatch catalogue.
    against_catalogue = forms.CharField(
        label=_("Reason for sending it elsewhere than the dispatch catalogue"),
        help_text=_("Needed only when the units differ from the catalogue's suggestion."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, bureau: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        children = Unit.objects.filter(parent=bureau, is_active=True)
        handling = children.exclude(kind=Unit.Kind.PETITION_BUREAU)
        self.fields["unit"].queryset = handling.exclude(kind=Unit.Kind.SERVICE_CENTER)
        self.fields["co"].queryset = handling.exclude(kind=Unit.Kind.SERVICE_CENTER)
        bureaus = children.filter(kind=Unit.Kind.PETITION_BUREAU)
        if bureaus.exists():
            self.fields["district_bureau"].queryset = bureaus
        else:
            del self.fields["district_bureau"]
            self.fields["mode"].choices = self.MODES[:2]

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode in ("sole", "joint") and not data.get("unit"):
            self.add_error("unit", _("Choose the unit."))
        if mode == "joint" and not data.get("co"):
            self.add_error("co", _("Choose at least one co-handling unit."))
        if mode == "district" and not data.get("district_bureau"):
            self.add_error("district_bureau", _("Choose the district petition bureau."))
        return data

    def plan(self):
        from hotline.cases.actions import PartPlan

        data = self.cleaned_data
        common = {
            "description": data.get("description", ""),
            "instruction": data.get("instruction", ""),
            "against_catalogue": data.get("against_catalogue", ""),
        }
        if data["mode"] == "district":
            return PartPlan(district_bureau=data["district_bureau"], **common)
        if data["mode"] == "joint":
            return PartPlan(lead=data["unit"], co=tuple(data["co"]), **common)
        return PartPlan(sole=data["unit"], **common)

    def targets(self) -> list[Unit]:
        """The units this plan sends the part to (after is_valid)."""
        data = self.cleaned_data
        if data["mode"] == "district":
            return [data["district_bureau"]]
        return [data["unit"], *(data["co"] if data["mode"] == "joint" else ())]


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), widget=TEXT)
    suggested_unit = UnitChoice(label=_("Suggested unit"), queryset=HANDLING_UNITS, required=False)


class DecideForm(VersionedForm):
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT)


class ObjectionDecisionForm(DecideForm):
    """N6: withdrawing, the bureau may name at once where the case goes next,
    a unit or a lead unit with co-handlers (R8.6)."""

    next_unit = UnitChoice(
        label=_("Next unit (or lead unit)"), queryset=HANDLING_UNITS, required=False
    )
    next_co = UnitsChoice(label=_("Co-handling units"), queryset=HANDLING_UNITS, required=False)


class InstructForm(VersionedForm):
    instruction = forms.CharField(label=_("Instruction"), widget=TEXT)


class ContributeForm(VersionedForm):
    text = forms.CharField(label=_("Contribution for the lead unit"), widget=TEXT)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files in one input; what each contains is checked by
    hotline.cases.attachments."""

    MAX_FILES = 6

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > self.MAX_FILES:
            raise forms.ValidationError(_("At most %(n)s files at a time.") % {"n": self.MAX_FILES})
        return [super(PhotosField, self).clean(f, initial) for f in files]


class IdsField(forms.Field):
    """Ids ticked on the page (the draft's photos to remove)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return [int(v) for v in value or []]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Tick the files again.")) from None


class DraftReplyForm(VersionedForm):
    # Not required here: a saved draft may be unfinished; submitting it
    # without what was done is refused by the verb, next to this field.
    content = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    remaining_problems = forms.CharField(label=_("Remaining problems"), required=False, widget=TEXT)
    measures = forms.CharField(label=_("Measures or proposals"), required=False, widget=TEXT)
    recommend_nonpublication = forms.BooleanField(
        label=_("Recommend not publishing the result"), required=False
    )
    nonpublication_reason = forms.CharField(label=_("Why not publish"), required=False, widget=TEXT)
    photos = PhotosField(label=_("Photos or documents (images or PDF)"), required=False)
    # Ticked beside the saved draft's photos (the case page lists them).
    remove_photos = IdsField(required=False)


class ReplyTemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    content = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 5}))
    remaining_problems = forms.CharField(label=_("Remaining problems"), required=False, widget=TEXT)
    measures = forms.CharField(label=_("Measures or proposals"), required=False, widget=TEXT)


class NoteForm(VersionedForm):
    note = forms.CharField(label=_("What is lacking"), widget=TEXT)


class ReviewForm(VersionedForm):
    agree_nonpublication = forms.BooleanField(  # R9
        label=_("Agree not to publish, as the unit recommends"), required=False
    )
    reasons = forms.CharField(
        label=_("Reasons (required to send it back)"), required=False, widget=TEXT
    )


class EscalateForm(VersionedForm):
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    main_recipient = UnitChoice(
        label=_("Main recipient"),
        queryset=Unit.objects.filter(kind=Unit.Kind.GENERAL_OFFICE, level=Unit.Level.CITY),
    )
    copy_recipients = UnitsChoice(
        label=_("Copy to"),
        queryset=Unit.objects.filter(kind=Unit.Kind.GENERAL_OFFICE, level=Unit.Level.CITY),
    )


class OutcomeForm(VersionedForm):
    outcome = forms.CharField(label=_("Coordinated outcome"), widget=TEXT)


class CloseForm(VersionedForm):
    result = forms.CharField(
        label=_("Result sent to the requester"), widget=forms.Textarea(attrs={"rows": 5})
    )


class ReopenForm(VersionedForm):
    reasons = forms.CharField(label=_("What the redo should address"), widget=TEXT)


class IntakeForm(forms.Form):
    """R5: what an agent takes down from a call, fax or SMS."""

    submission = forms.UUIDField(widget=forms.HiddenInput)
    draft = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            (c.value, c.label) for c in (Channel.PHONE, Channel.FAX, Channel.SMS, Channel.EMAIL)
        ],
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Requester"), choices=Requester.Kind.choices)
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)
    email = forms.EmailField(
        label=_("Email"), max_length=Requester._meta.get_field("email").max_length, required=False
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}))
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    disclosure_allowed = forms.TypedChoiceField(
        label=_("May the case be handled publicly?"),
        choices=[("yes", _("yes, it may be published")), ("no", _("no, handle it internally"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    attachment = forms.FileField(label=_("Attachment (scanned fax: PDF or image)"), required=False)
    # N1: asked of every case, after what it is about; in the list's order.
    request_type = forms.ChoiceField(
        label=_("Request type"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the request type.")},
    )
    # The article an agent answers with (N3), or attaches as a hint for the
    # city bureau when forwarding: set by the suggestion's buttons.
    answer_with = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    hint = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request_type"].choices = [(t.code, t.name) for t in active_request_types()]
        if self.data.get("answer_with"):
            # A direct answer is a consultation, never published (N3): the
            # agent presses one key, and answers no more questions.
            self.fields["request_type"].required = False
            self.fields["disclosure_allowed"].required = False

    def clean_request_type(self):
        code = self.cleaned_data["request_type"]
        return REQUEST_TYPES.get()[code] if code else None
