"""The knowledge base's forms (N2); the verbs check what they are given."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.cases.models import Category

from .actions import ArticleText


class DateInput(forms.DateInput):
    """The browser's date picker, which reads and writes ISO dates only."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    question = forms.CharField(
        label=_("Question, in the public's words"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("As a caller would ask it: the search matches what agents type against it."),
    )
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 8}))
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=500,
        required=False,
        help_text=_("Other words people use for this, separated by spaces."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    effective_on = forms.DateField(label=_("Effective on"), widget=DateInput)
    review_by = forms.DateField(
        label=_("Review by"),
        widget=DateInput,
        help_text=_("After this date the article is no longer offered until it is renewed."),
    )

    def text(self) -> ArticleText:
        return ArticleText(**self.cleaned_data)

    @staticmethod
    def initial_from(version) -> dict:
        return {
            name: getattr(version, name)
            for name in (
                "title",
                "question",
                "answer",
                "keywords",
                "category",
                "effective_on",
                "review_by",
            )
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        help_text=_(
            "One article a row, under the headings 标题, 问题, 答复, 关键词, 类别, 责任单位, "
            "生效日期 and 复核日期."
        ),
    )
    publish = forms.BooleanField(
        label=_("Publish the rows at once (the spreadsheet was already approved)"),
        required=False,
    )
