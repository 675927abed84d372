"""The catalogue's forms (N5); the verbs check what they are given."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.cases.models import Category
from hotline.knowledge.forms import DateInput
from hotline.organisation.models import District, Unit
from hotline.workbench.forms import UnitChoice, UnitsChoice

from .actions import NOT_RESPONSIBLE, EntryText

RESPONSIBLE = Unit.objects.filter(is_active=True).exclude(kind__in=NOT_RESPONSIBLE)


class DraftForm(forms.Form):
    effective_on = forms.DateField(label=_("In force from"), widget=DateInput)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class PublishForm(forms.Form):
    effective_on = forms.DateField(label=_("In force from"), widget=DateInput)


class EntryForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Matter"), queryset=Category.objects.filter(is_active=True)
    )
    sub_matter = forms.CharField(label=_("Sub-matter"), max_length=100, required=False)
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=500,
        required=False,
        help_text=_(
            "Words found in a case's content, separated by spaces. With keywords, the entry "
            "holds only for cases that contain one of them."
        ),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        help_text=_("Left empty, the entry holds for the whole city."),
    )
    street = forms.CharField(
        label=_("Street or town"),
        max_length=50,
        required=False,
        help_text=_("Matched in the case's location; left empty, the whole district."),
    )
    unit = UnitChoice(label=_("Responsible unit (or lead unit)"), queryset=RESPONSIBLE)
    co = UnitsChoice(label=_("Co-handling units"), queryset=RESPONSIBLE, required=False)

    def text(self) -> EntryText:
        data = self.cleaned_data
        return EntryText(
            category=data["category"],
            unit=data["unit"],
            sub_matter=data["sub_matter"],
            keywords=data["keywords"],
            district=data["district"],
            street=data["street"],
            co=tuple(data["co"]),
        )

    @staticmethod
    def initial_from(entry) -> dict:
        return {
            "category": entry.category_id,
            "sub_matter": entry.sub_matter,
            "keywords": entry.keywords,
            "district": entry.district_id,
            "street": entry.street,
            "unit": entry.unit_id,
            "co": [u.pk for u in entry.co_units.all()],
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        help_text=_(
            "One entry a row, under the headings 事项, 子事项, 关键词, 区县, 街道, 责任单位, "
            "牵头单位 and 协办单位."
        ),
    )
    effective_on = forms.DateField(
        label=_("In force from"),
        widget=DateInput,
        required=False,
        help_text=_("For a new draft, when no draft is open."),
    )
