"""The dispatch catalogue's pages (N5), for the city petition bureau: the
version in force, the draft, every version and the history; editing a
draft's entries, publishing it, import and export. Thin adapters over
hotline.catalogue.actions and spreadsheet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.cases.errors import WorkflowError

from . import actions
from .forms import DraftForm, EntryForm, ImportForm, PublishForm
from .models import CatalogueChange, CatalogueEntry, CatalogueVersion
from .spreadsheet import export_workbook, import_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _keeper(request):
    if not actions.may_keep_catalogue(request.user):
        raise PermissionDenied(
            _("The dispatch catalogue is kept by the city petition bureau's dispatchers.")
        )


def _entries(version):
    return version.entries.select_related("category", "district", "unit").prefetch_related(
        "co_units"
    )


def _draft_of(number):
    return get_object_or_404(CatalogueVersion, number=number, state=CatalogueVersion.State.DRAFT)


def _refused(request, error: WorkflowError):
    messages.error(request, error.message)


@login_required
def catalogue(request):
    _keeper(request)
    today = timezone.localdate()
    current = actions.in_force(today)
    versions = list(CatalogueVersion.objects.select_related("created_by", "published_by"))
    return render(
        request,
        "catalogue/catalogue.html",
        {
            "current": current,
            "entries": _entries(current) if current else [],
            "draft": next((v for v in versions if v.state == CatalogueVersion.State.DRAFT), None),
            "upcoming": [
                v
                for v in versions
                if v.state == CatalogueVersion.State.PUBLISHED and v.effective_on > today
            ],
            "versions": versions,
            "changes": CatalogueChange.objects.select_related("actor")[:50],
            "draft_form": DraftForm(initial={"effective_on": today}),
        },
    )


@login_required
@require_POST
def draft(request):
    _keeper(request)
    form = DraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the new version takes effect."))
        return redirect("catalogue")
    try:
        version = actions.draft_version(actor=request.user, **form.cleaned_data)
    except WorkflowError as error:
        _refused(request, error)
        return redirect("catalogue")
    messages.success(request, _("Draft created from the version in force."))
    return redirect("catalogue-version", number=version.number)


@login_required
def version(request, number):
    _keeper(request)
    shown = get_object_or_404(CatalogueVersion, number=number)
    return render(
        request,
        "catalogue/version.html",
        {
            "version": shown,
            "entries": _entries(shown),
            "is_draft": shown.state == CatalogueVersion.State.DRAFT,
            "in_force": actions.in_force() == shown,
            "publish_form": PublishForm(initial={"effective_on": shown.effective_on}),
            "changes": CatalogueChange.objects.filter(version_number=shown.number).select_related(
                "actor"
            ),
        },
    )


@login_required
def export(request, number):
    _keeper(request)
    shown = get_object_or_404(CatalogueVersion, number=number)
    response = HttpResponse(export_workbook(shown), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"派单目录-v{shown.number}.xlsx"
    )
    return response


@login_required
@require_POST
def publish(request, number):
    _keeper(request)
    shown = _draft_of(number)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the version takes effect."))
        return redirect("catalogue-version", number=number)
    try:
        actions.publish_version(
            actor=request.user, version=shown, effective_on=form.cleaned_data["effective_on"]
        )
    except WorkflowError as error:
        _refused(request, error)
        return redirect("catalogue-version", number=number)
    messages.success(request, _("Published."))
    return redirect("catalogue")


def _entry_page(request, shown, entry, form, status=200):
    return render(
        request,
        "catalogue/entry_form.html",
        {"version": shown, "entry": entry, "form": form},
        status=status,
    )


def _save_entry(request, shown, entry):
    form = EntryForm(request.POST)
    if not form.is_valid():
        return _entry_page(request, shown, entry, form, 400)
    try:
        if entry is None:
            actions.add_entry(actor=request.user, version=shown, text=form.text())
        else:
            actions.edit_entry(actor=request.user, entry=entry, text=form.text())
    except WorkflowError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _entry_page(request, shown, entry, form, 400)
    messages.success(request, _("Entry saved."))
    return redirect("catalogue-version", number=shown.number)


@login_required
def entry_new(request, number):
    _keeper(request)
    shown = _draft_of(number)
    if request.method == "POST":
        return _save_entry(request, shown, None)
    return _entry_page(request, shown, None, EntryForm())


@login_required
def entry_edit(request, number, entry_id):
    _keeper(request)
    shown = _draft_of(number)
    entry = get_object_or_404(CatalogueEntry, pk=entry_id, version=shown)
    if request.method == "POST":
        return _save_entry(request, shown, entry)
    return _entry_page(request, shown, entry, EntryForm(initial=EntryForm.initial_from(entry)))


@login_required
@require_POST
def entry_remove(request, number, entry_id):
    _keeper(request)
    shown = _draft_of(number)
    entry = get_object_or_404(CatalogueEntry, pk=entry_id, version=shown)
    try:
        actions.remove_entry(actor=request.user, entry=entry)
    except WorkflowError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Entry removed."))
    return redirect("catalogue-version", number=number)


@login_required
def import_page(request):
    _keeper(request)
    report, status = None, 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = import_workbook(
                    form.cleaned_data["file"],
                    actor=request.user,
                    effective_on=form.cleaned_data["effective_on"],
                )
            except WorkflowError as error:
                form.add_error(error.field if error.field in form.fields else "file", error.message)
                status = 400
        else:
            status = 400
    else:
        form = ImportForm()
    draft_open = CatalogueVersion.objects.filter(state=CatalogueVersion.State.DRAFT).first()
    return render(
        request,
        "catalogue/import.html",
        {"form": form, "report": report, "draft": draft_open},
        status=status,
    )
