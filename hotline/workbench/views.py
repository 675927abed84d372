"""The staff workbench: queue, case list, case detail with its actions,
intake, dispatch, print view and the supervisors' view. Thin adapters over
hotline.cases: every read starts from visible_cases(), every write is a
verb."""

import re
import unicodedata
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hotline.calendar.services import database_calendar, unconfirmed_years
from hotline.cases import actions as verbs
from hotline.cases import filters, preconditions
from hotline.cases.actions import RequesterDetails
from hotline.cases.actions.merging import merged_requests
from hotline.cases.errors import CaseChanged, InvalidInput, NotAllowed, WorkflowError, WrongState
from hotline.cases.labels import STATE_LABELS
from hotline.cases.models import Category, Channel, InternalReason
from hotline.cases.numbers import case_number
from hotline.cases.privacy import FULL_REQUESTER_ROLES, text_for
from hotline.cases.progress import progress as case_progress
from hotline.cases.progress import reply_due
from hotline.cases.repeats import (
    SIMILARITY,
    find_likely_repeats,
    merge_candidates,
    normalise_phone,
    similarity,
)
from hotline.cases.reply_templates import (
    KEEPERS,
    delete_reply_template,
    may_keep,
    save_reply_template,
    templates_for,
)
from hotline.cases.suggestions import suggest
from hotline.cases.visibility import progress_cases, visible_cases
from hotline.cases.workflow import CaseState
from hotline.catalogue.suggestions import suggest_from_catalogue
from hotline.health.status import job_problems
from hotline.knowledge.models import ArticleVersion
from hotline.knowledge.queues import waiting_count
from hotline.knowledge.search import find_articles
from hotline.notifications.models import CallbackTask, InboundMessage
from hotline.organisation import acting as acting_module
from hotline.organisation.models import District, Role, Unit
from hotline.organisation.naming import districts_named
from hotline.organisation.roster import is_administrator
from hotline.policy.models import Policy
from hotline.supervision.rules import supervises

from . import case_actions
from .countdown import countdown
from .forms import (
    IntakeForm,
    MergeHereForm,
    PlanForm,
    ReplyTemplateForm,
    ScreeningForm,
    VersionedForm,
)
from .models import IntakeSubmission
from .queues import PAGE, tasks

# A phone number as typed: digits and separators, nothing else (so a
# mistyped case number is not taken for a phone).
PHONE = re.compile(r"[\d\s+()-]+")
STATUS_CODES = {NotAllowed: 403, WrongState: 409, CaseChanged: 409, InvalidInput: 400}


def _acting(request):
    acting = acting_module.current(request)
    if acting is None:
        raise PermissionDenied(_("You hold no role in any unit."))
    return acting


def _cases(request):
    acting = _acting(request)
    return acting, visible_cases(acting.unit, acting.role)


def _with_countdowns(items, now, calendar):
    for item in items:
        due = getattr(item, "due", None)
        item.countdown = (
            countdown(calendar, now, due, getattr(item, "provisional", False)) if due else None
        )
    return items


def _filtered(request, cases, role):
    """The queue's and the case list's filters (all optional)."""
    return filters.apply(cases, request.GET, role=role)


def _filter_context(request, role):
    return {
        # What the search finds for this role (D8: phone and name only for
        # the roles that see requesters in full).
        "search_hint": (
            _("words, case number, phone or name")
            if role in FULL_REQUESTER_ROLES
            else _("words or case number")
        ),
        "statuses": [(s.value, _state_label(s.value)) for s in CaseState],
        "channels": Channel.choices,
        "categories": Category.objects.filter(is_active=True),
        "districts": District.objects.all(),
        "filters": request.GET,
    }


def _state_label(state):
    return STATE_LABELS.get(state, state)


@login_required
def queue(request):
    acting, cases = _cases(request)
    filtered = _filtered(request, cases, acting.role) if request.GET else None
    items = tasks(acting.unit, acting.role, filtered)
    now = timezone.now()
    calendar = database_calendar()
    _with_countdowns(items, now, calendar)
    today = timezone.localdate()
    agent_extras = {}
    if acting.role == Role.AGENT:
        agent_extras = {
            "drafts": InboundMessage.objects.filter(
                case__isnull=True, registered_case__isnull=True
            ).order_by("received_at")[:PAGE],
            "callbacks": CallbackTask.objects.filter(
                done_at__isnull=True, message__case__involvements__unit=acting.unit
            ).select_related("message__case", "message__case__requester")[:PAGE],
        }
    return render(
        request,
        "workbench/queue.html",
        {
            **agent_extras,
            **(
                {"job_problems": job_problems(), "unconfirmed_years": unconfirmed_years(today)}
                if is_administrator(request.user)
                else {}
            ),
            "tasks": items[:PAGE],
            "more": len(items) > PAGE,
            "today": today,
            "today_is_working_day": calendar.is_working_day(today),
            "today_is_provisional": calendar.is_provisional(today),
            "policy": Policy.in_force(now),
            "articles_waiting": waiting_count(acting.unit, acting.role),
            **_filter_context(request, acting.role),
        },
    )


@login_required
def case_list(request):
    """Every case the acting unit may see, newest first, with keyset
    pagination (no count, no offset: as fast on page 1,000 as on page 1)."""
    acting, visible = _cases(request)
    number = case_number(request.GET.get("q", ""))
    if number and visible.filter(number=number).exists():
        # A caller asking after their case: its number opens it.
        return redirect("case-detail", number)
    cases = filters.newest_first(
        _filtered(request, visible, acting.role).select_related(
            "category", "requester", "request_type"
        ),
        "received_at",
    )
    cases = filters.before(cases, request.GET.get("before"), "received_at")
    page = list(cases[: PAGE + 1])
    for case in page:
        case.hide = text_for(case, acting.role)  # D8
    following = None
    if len(page) > PAGE:
        last = page[PAGE - 1]
        query = request.GET.copy()
        query["before"] = filters.marker(last, "received_at")
        following = query.urlencode()
    return render(
        request,
        "workbench/case_list.html",
        {"cases": page[:PAGE], "following": following, **_filter_context(request, acting.role)},
    )


def _visible_case(request, number):
    acting, cases = _cases(request)
    case = get_object_or_404(
        cases.select_related("requester", "category", "policy", "request_type"), number=number
    )
    return acting, case


def _detail_context(request, case, acting, failed=None):
    """Everything the case page shows; `failed` is (offer key, bound form)
    to show again with its errors."""
    initial = {}
    if acting.role == Role.REVIEWER and case.state == CaseState.APPROVED:
        initial["close"] = case_actions.close_initial(case)
    chosen = filters.whole_number(request.GET.get("reply_template"), None, 1, filters.MAX_ID)
    if chosen is not None and acting.role == Role.HANDLER:
        template = templates_for(acting.unit).filter(pk=chosen).first()
        if template is not None:  # fills the reply form; the saved draft stays as it was
            initial["draft_reply"] = {
                "content": template.content,
                "remaining_problems": template.remaining_problems,
                "measures": template.measures,
            }
    offers = case_actions.offers(case, acting.unit, acting.role, initial)
    for offer in offers:
        if failed and offer.key == failed[0]:
            offer.form = failed[1]
    if failed and not any(offer.key == failed[0] for offer in offers):
        messages.error(request, _("This cannot be done on the case as it is now."))
    now = timezone.now()
    calendar = database_calendar()
    clocks = list(case.clocks.select_related("unit").order_by("started_at", "id"))
    for clock in clocks:
        running = clock.met_at is None and clock.cancelled_at is None
        clock.countdown = (
            countdown(calendar, now, clock.due_at, clock.provisional) if running else None
        )
    events = list(case.events.select_related("actor", "actor_unit"))
    dispatch_offers = [o for o in offers if o.spec.action == "dispatch"]
    violations = list(case.violations.select_related("unit", "person", "excused_by"))
    for violation in violations:
        violation.may_excuse = (
            acting.role == Role.SUPERVISOR
            and violation.excused_at is None
            and supervises(request.user, violation.unit)
        )
    return {
        "case": case,
        "violations": violations,
        "acting": acting,
        "full_requester": acting.role in FULL_REQUESTER_ROLES,
        # The case's free text as the role may read it (D8).
        "hide": text_for(case, acting.role),
        "parts": case.parts.select_related("holder_bureau").prefetch_related(
            "assignments__unit", "assignments__replies__reviewed_by"
        ),
        "reply_templates": (
            list(templates_for(acting.unit))
            if any(o.spec.action == "draft_reply" for o in offers)
            else []
        ),
        "chosen_template": chosen,
        "clocks": clocks,
        "events": events,
        # N3: the article a direct answer cited, or the agent's hint.
        "answered_with": _cited_version(case.answered_with_id),
        "hint": _hint(case, events),
        "messages_out": case.messages.all(),
        # The requester's files; the units' photos stand with their replies.
        "attachments": case.attachments.filter(assignment__isnull=True),
        "reply_photos": _reply_photos(case),
        "escalations": case.escalations.select_related("main_recipient").prefetch_related(
            "copy_recipients"
        ),
        "offers": [o for o in offers if o.spec.action != "dispatch"],
        # Issue 15: accept, classify and dispatch on one screen.
        "may_screen": any(o.spec.action == "accept" for o in offers),
        "dispatch_offers": dispatch_offers,
        "repeats": find_likely_repeats(case) if case.flag_repeat else [],
        "facts": case_actions.screening_facts(case) if case.state == CaseState.SCREENING else {},
        "state_label": _state_label(case.state),
        **_merging(case, acting),
        # N2: an approved reply may be proposed as an article by its own
        # unit's handlers and leaders, and by the city bureau's reviewers.
        "propose_unit_id": acting.unit.pk if acting.role in KEEPERS else None,
        "propose_any": acting.role == Role.REVIEWER and acting.unit.pk == verbs.city_bureau().pk,
    }


def _may_lead(case, acting) -> bool:
    """N4: the city bureau's dispatcher may merge other cases into this one
    while it is not yet dispatched nor merged itself."""
    return (
        acting.role == Role.DISPATCHER
        and acting.unit.pk == verbs.city_bureau().pk
        and case.state in (CaseState.SCREENING, CaseState.DISPATCHING)
        # A lead may already have followers: only a dispatch ends merging.
        and preconditions.CONDITIONS["undispatched"](case, case, timezone.now()) is None
    )


def _merging(case, acting) -> dict:
    """N4: the cases merged into this one, each requester's words as the
    role may read them; the lead this one follows; and, for the city
    dispatcher, the cases about the same matter to merge into it."""
    followers = [(c, text_for(c, acting.role)) for c in merged_requests(case)]
    candidates = []
    if _may_lead(case, acting):
        candidates = [(c, text_for(c, acting.role)) for c in merge_candidates(case)]
    return {
        "followers": followers,
        "lead": case.merged_into if case.merged_into_id else None,
        "merge_candidates": candidates,
        "merge_form": MergeHereForm(initial={"expected_version": case.version}),
    }


@login_required
@require_POST
def merge_here(request, number):
    """N4: merge the chosen candidates into this case, in one action."""
    acting, case = _visible_case(request, number)
    if not _may_lead(case, acting):
        raise Http404
    form = MergeHereForm(request.POST)
    chosen = request.POST.getlist("cases")
    if not form.is_valid():
        return _fail(request, case, acting, InvalidInput(_("Reload the page and try again.")))
    cases = list(visible_cases(acting.unit, acting.role).filter(number__in=chosen[:200]))
    done, status = _carried_out(
        request,
        case,
        lambda: verbs.merge_cases(
            actor=request.user,
            lead=case,
            cases=cases,
            expected_version=form.cleaned_data["expected_version"],
        ),
        _("Merged into this case."),
    )
    if done:
        return done
    case.refresh_from_db()
    context = _detail_context(request, case, acting)
    return render(request, "workbench/case_detail.html", context, status=status)


def _cited_version(pk):
    if pk is None:
        return None
    return ArticleVersion.objects.select_related("article__unit").filter(pk=pk).first()


def _hint(case, events=None):
    """N3: the article the agent attached when forwarding, for the city
    bureau: the registration keeps it."""
    if events is None:
        details = case.events.filter(action="register").values_list("details", flat=True)
        registered = details.first() or {}
    else:
        registered = next((e.details for e in events if e.action == "register"), {})
    pk = registered.get("hint")
    return _cited_version(pk) if isinstance(pk, int) else None


def _reply_photos(case) -> dict:
    """The submitted replies' files, by reply: one statement for the page."""
    photos = {}
    for attachment in case.attachments.filter(reply__isnull=False).order_by("id"):
        photos.setdefault(attachment.reply_id, []).append(attachment)
    return photos


@login_required
def attachment(request, number, attachment_id):
    """A case's file, to the roles that read the case in full in a unit that
    sees it (D8: a photo cannot be masked); a saved draft's photos only to
    the drafting unit. Never the public: photos may show faces and plates."""
    acting, case = _visible_case(request, number)
    if acting.role not in FULL_REQUESTER_ROLES:
        raise Http404
    found = get_object_or_404(case.attachments.select_related("assignment"), pk=attachment_id)
    if (
        found.reply_id is None
        and found.assignment_id
        and found.assignment.unit_id != acting.unit.pk
    ):
        raise Http404
    try:
        stored = found.file.open("rb")
    except FileNotFoundError:  # a file lost from the media store: missing, not a server error
        raise Http404 from None
    response = FileResponse(stored, content_type=found.content_type)
    # Shown in the page when an image, else downloaded; never run as a page.
    inline = found.content_type.startswith("image/")
    response["Content-Disposition"] = content_disposition_header(not inline, found.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def case_detail(request, number):
    acting, case = _visible_case(request, number)
    return render(request, "workbench/case_detail.html", _detail_context(request, case, acting))


@login_required
def case_print(request, number):
    acting, case = _visible_case(request, number)
    context = _detail_context(request, case, acting)
    return render(request, "workbench/case_print.html", context)


def _fail(request, case, acting, error, key=None, form=None):
    """Show the case again with the error, next to its field when it has one."""
    if isinstance(error, CaseChanged):
        messages.warning(request, error.message)
        return redirect("case-detail", number=case.number)
    if form is not None and error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        messages.error(request, error.message)
    case.refresh_from_db()
    context = _detail_context(request, case, acting, failed=(key, form) if form else None)
    return render(
        request, "workbench/case_detail.html", context, status=STATUS_CODES.get(type(error), 400)
    )


@login_required
@require_POST
def act(request, number, action, target_kind, target_id):
    acting, case = _visible_case(request, number)
    spec = case_actions.BY_NAME.get(action)
    if spec is None or spec.target != target_kind or spec.run is None:
        raise Http404
    target = _target(case, target_kind, target_id)
    form = spec.form(request.POST, request.FILES, prefix=f"{action}-{target.pk}")
    key = f"{action}-{target_kind}-{target.pk}"
    if not form.is_valid():
        context = _detail_context(request, case, acting, failed=(key, form))
        return render(request, "workbench/case_detail.html", context, status=400)
    if spec.confirm is not None and not request.POST.get("confirmed"):
        if request.POST.get("revise"):
            context = _detail_context(request, case, acting, failed=(key, form))
            return render(request, "workbench/case_detail.html", context)
        return render(
            request,
            "workbench/confirm.html",
            {
                "case": case,
                "spec": spec,
                "form": form,
                "target": target,
                "preview": spec.confirm(target, form.cleaned_data),
            },
        )
    run = spec.run
    if request.POST.get("alternate") and action in case_actions.ALTERNATES:
        run = case_actions.ALTERNATES[action][1]
    try:
        run(request.user, target, form.cleaned_data)
    except WorkflowError as error:
        return _fail(request, case, acting, error, key, form)
    messages.success(request, _("Done."))
    return redirect("case-detail", number=case.number)


def _target(case, kind, pk):
    if kind == "case":
        if int(pk) != case.pk:
            raise Http404
        return case
    manager = {
        "part": case.parts,
        "assignment": case.assignments,
        "escalation": case.escalations,
    }.get(kind)
    if manager is None:
        raise Http404
    return get_object_or_404(manager, pk=pk)


def _districts_named(case) -> set[str]:
    return districts_named(case.location, District.objects.values_list("name", flat=True))


def _carried_out(request, case, run, done: str):
    """Run a form's verbs: (the case page to go back to, None) when they went
    through or the case changed meanwhile; else (None, the status to answer
    the form with), the refusal shown above it."""
    try:
        run()
    except WorkflowError as error:
        if isinstance(error, CaseChanged):
            messages.warning(request, error.message)
            return redirect("case-detail", number=case.number), None
        messages.error(request, error.message)
        return None, STATUS_CODES.get(type(error), 400)
    messages.success(request, done)
    return redirect("case-detail", number=case.number), None


def _district_warning(case, plans, confirmed: str) -> tuple[str | None, str]:
    """Issue 15: a case located in one district, sent to a unit of another
    (仓山区金山街道 → 鼓楼区信访局): a warning before sending, not a block,
    and the units it warned of. Sending anyway confirms those units only:
    another unit of another district chosen after is warned of again. Only
    the district names of the organisation are shown, never the requester's
    words."""
    named = _districts_named(case)
    if not named:
        return None, ""
    elsewhere = [
        unit
        for plan in plans
        for unit in plan.targets()
        if unit.district_id is not None and unit.district.name not in named
    ]
    warned = ",".join(sorted({str(unit.pk) for unit in elsewhere}))
    if not elsewhere or warned == confirmed:
        return None, warned
    return _(
        "The location names %(named)s, but %(units)s is in another district. "
        "Check the unit, or send it anyway."
    ) % {"named": "、".join(sorted(named)), "units": "、".join(u.name for u in elsewhere)}, warned


def _suggested(case, bureau):
    if case.category_id is None:
        return []
    return sorted(
        case.category.suggested_units.filter(parent=bureau, is_active=True),
        key=lambda u: u.sort_key,
    )


def catalogue_choices(case, bureau) -> list:
    """N5: the dispatch catalogue's suggestions, as one-click choices that
    fill the first part's plan (the screen renders them; other suggestion
    lists sit beside them)."""
    return suggest_from_catalogue(case, bureau)


def _plan_initial(suggestion) -> dict:
    return {
        "mode": suggestion.mode,
        "unit": suggestion.unit_id,
        "co": list(suggestion.co_ids),
        "district_bureau": suggestion.district_bureau_id,
    }


def _plan_forms(request, bureau, count, suggested, catalogue=()):
    if request.method == "POST":
        return [PlanForm(request.POST, bureau=bureau, prefix=f"p{i}") for i in range(count)]
    # The catalogue's choice (N5), or the one the dispatcher clicked
    # (?use=entry), is filled in already; without one, the category's first
    # suggested unit (issue 15).
    chosen = request.GET.get("use", "")
    picked = [s for s in catalogue if str(s.entry_id) == chosen] or list(catalogue[:1])
    initial = {"unit": suggested[0].pk} if suggested else {}
    if picked:
        initial = _plan_initial(picked[0])
    return [
        PlanForm(bureau=bureau, prefix=f"p{i}", initial=initial if i == 0 else {})
        for i in range(count)
    ]


def _planning_context(case, bureau, plans, count, first, suggested, acting, catalogue=()):
    return {
        "case": case,
        "catalogue": catalogue,
        "bureau": bureau,
        "plans": plans,
        "count": count,
        "first": first,
        "suggested": suggested,
        "more_parts": count + 1 if first and count < 5 else None,
        # What the receiving side gets if sent now (R7, R8.1–R8.3).
        "deadlines": verbs.dispatch_deadlines(case, timezone.now()),
        # For the picker's warning as a unit is chosen, before any submit.
        "location_districts": sorted(_districts_named(case)),
        "hide": text_for(case, acting.role),  # D8
        "hint": _hint(case),
    }


@login_required
def dispatch(request, number, part_id):
    """R4, R7, R8.6, R8.7: the bureau sends a part on. From the city
    bureau's first dispatch the case can be split into several parts."""
    acting, case = _visible_case(request, number)
    part = get_object_or_404(case.parts.select_related("holder_bureau"), pk=part_id)
    bureau = part.holder_bureau
    first = (
        bureau.level == Unit.Level.CITY
        and not case.assignments.exists()
        and (case.parts.count() == 1)
    )
    count = filters.whole_number(request.GET.get("parts"), 1, 1, 5) if first else 1
    # Only the holding bureau's dispatcher, whether reading the form or
    # posting it: a refused post shows the form again, with the case's
    # words, which a supervisor reads only masked (D8).
    if (acting.role, acting.unit) != (Role.DISPATCHER, bureau):
        raise Http404
    warning, warned = None, ""
    suggested = _suggested(case, bureau)
    catalogue = catalogue_choices(case, bureau)
    if request.method == "POST":
        count = filters.whole_number(request.POST.get("count"), 1, 1, 5) if first else 1
        version = VersionedForm(request.POST)
        plans = _plan_forms(request, bureau, count, suggested)
        status = 400
        if version.is_valid() and all(p.is_valid() for p in plans):
            status = 200
            warning, warned = _district_warning(
                case, plans, request.POST.get("district_confirmed", "")
            )
        if status == 200 and warning is None:

            def send():
                if first:
                    verbs.dispatch_case(
                        actor=request.user,
                        case=case,
                        parts=[p.plan() for p in plans],
                        expected_version=version.cleaned_data["expected_version"],
                    )
                else:
                    verbs.dispatch_part(
                        actor=request.user,
                        part=part,
                        plan=plans[0].plan(),
                        expected_version=version.cleaned_data["expected_version"],
                    )

            done, status = _carried_out(request, case, send, _("Dispatched."))
            if done:
                return done
    else:
        status = 200
        version = VersionedForm(initial={"expected_version": case.version})
        plans = _plan_forms(request, bureau, count, suggested, catalogue)
    return render(
        request,
        "workbench/dispatch.html",
        {
            **_planning_context(case, bureau, plans, count, first, suggested, acting, catalogue),
            "part": part,
            "version": version,
            "district_warning": warning,
            "district_warned": warned,
        },
        status=status,
    )


@login_required
def screen(request, number):
    """Issue 15: the city bureau accepts, classifies and dispatches a case
    in one submit; each is still its own verb, event and clock (R3, R4, R6,
    R7), in one transaction. Refusing and declining stay on the case page."""
    acting, case = _visible_case(request, number)
    if not any(
        o.spec.action == "accept" for o in case_actions.offers(case, acting.unit, acting.role)
    ):
        raise Http404
    bureau = acting.unit
    suggested = _suggested(case, bureau)
    catalogue = catalogue_choices(case, bureau)
    warning, warned = None, ""
    if request.method == "POST":
        count = filters.whole_number(request.POST.get("count"), 1, 1, 5)
        form = ScreeningForm(request.POST)
        plans = _plan_forms(request, bureau, count, suggested)
        status = 400
        if form.is_valid() and all(p.is_valid() for p in plans):
            status = 200
            warning, warned = _district_warning(
                case, plans, request.POST.get("district_confirmed", "")
            )
        if status == 200 and warning is None:
            data = form.cleaned_data

            def accept_and_dispatch():
                verbs.screen_case(
                    actor=request.user,
                    case=case,
                    city_final_review=data["city_final_review"],
                    request_type=data["request_type"],
                    mode=data["mode"],
                    reason=data["reason"],
                    parts=[p.plan() for p in plans],
                    expected_version=data["expected_version"],
                )

            # On failure everything rolled back; the form keeps what was typed.
            done, status = _carried_out(
                request, case, accept_and_dispatch, _("Accepted, classified and dispatched.")
            )
            if done:
                return done
    else:
        status = 200
        count = filters.whole_number(request.GET.get("parts"), 1, 1, 5)
        internal = not case.disclosure_allowed
        form = ScreeningForm(
            initial={
                "expected_version": case.version,
                "request_type": case.request_type_id,
                "mode": "internal" if internal else "public",
                # R6(4): the requester chose not to have it handled publicly.
                "reason": InternalReason.REQUESTER_CHOICE if internal else None,
            }
        )
        plans = _plan_forms(request, bureau, count, suggested, catalogue)
    return render(
        request,
        "workbench/screen.html",
        {
            **_planning_context(case, bureau, plans, count, True, suggested, acting, catalogue),
            **_merging(case, acting),
            "full_requester": acting.role in FULL_REQUESTER_ROLES,
            "form": form,
            "district_warning": warning,
            "district_warned": warned,
            "learned": _learned(case, bureau),
        },
        status=status,
    )


def _learned(case, bureau):
    """What the city's closed cases suggest for this one: the bureau's own
    units only, as it may dispatch to no other."""
    return suggest(
        case.content, case.location, units=Unit.objects.filter(parent=bureau, is_active=True)
    )


@login_required
def intake(request):
    """R5: an agent registers a call, fax, SMS or email; saving forwards it."""
    acting = _agent(request)
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES)
        if form.is_valid():
            token = form.cleaned_data["submission"]
            earlier = IntakeSubmission.objects.filter(token=token).select_related("case").first()
            if earlier:  # a double submit: show the case the first one made
                return redirect("case-detail", number=earlier.case.number)
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    case = _take_down(request.user, data)
                    IntakeSubmission.objects.create(token=token, case=case)
                    if data.get("draft"):
                        InboundMessage.objects.filter(
                            pk=data["draft"], case__isnull=True, registered_case__isnull=True
                        ).update(registered_case=case)
            except IntegrityError:
                earlier = IntakeSubmission.objects.get(token=token)
                return redirect("case-detail", number=earlier.case.number)
            except WorkflowError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                done = _answered(case) if case.answered_with_id else _registered(case)
                messages.success(request, done)
                return redirect("case-detail", number=case.number)
        status = 400
        # Shown again as it stood: the caller's history and the articles
        # beside the form.
        history = {"phone": normalise_phone(form.data.get("phone", ""))}
        history["earlier"] = _earlier(acting, history["phone"], form.data.get("content", ""))
        history["articles"] = _articles(form.data.get("content", ""))
    else:
        history = {}
        initial = {"submission": uuid.uuid4(), "channel": "phone"}
        draft = InboundMessage.objects.filter(
            pk=filters.whole_number(request.GET.get("draft"), 0, 0, 2**62),
            case__isnull=True,
            registered_case__isnull=True,
        ).first()
        if draft is not None:
            initial.update(
                draft=draft.pk,
                channel=draft.channel,
                content=draft.text,
                **({"phone": draft.sender} if draft.channel == "sms" else {"email": draft.sender}),
            )
            history["articles"] = _articles(draft.text)
        form = IntakeForm(initial=initial)
        status = 200
    return render(request, "workbench/intake.html", {"form": form, **history}, status=status)


def _take_down(actor, data):
    """The case the intake form describes: answered directly from the
    article the agent chose (N3), or registered and forwarded, with the
    article the agent attached as a hint for the city bureau."""
    requester = RequesterDetails(
        name=data["name"],
        phone=data["phone"],
        id_number=data["id_number"],
        email=data["email"],
        address=data["address"],
        kind=data["kind"],
    )
    if data["answer_with"]:
        return verbs.answer_directly(
            actor=actor,
            channel=data["channel"],
            requester=requester,
            content=data["content"],
            location=data["location"],
            category=data["category"],
            disclosure_allowed=data["disclosure_allowed"] is True,
            article_version=_article_version(data["answer_with"]),
            request_type=data["request_type"],
            attachments=[data["attachment"]] if data["attachment"] else [],
        )
    return verbs.register_case(
        actor=actor,
        channel=data["channel"],
        requester=requester,
        content=data["content"],
        location=data["location"],
        category=data["category"],
        disclosure_allowed=data["disclosure_allowed"],
        attachments=[data["attachment"]] if data["attachment"] else [],
        request_type=data["request_type"],
        hint=_article_version(data["hint"]) if data["hint"] else None,
    )


def _article_version(pk):
    version = ArticleVersion.objects.filter(pk=pk).first()
    if version is None:
        raise InvalidInput(_("This knowledge base article no longer exists."))
    return version


def _articles(content):
    """N2, N3: the current articles matching what the agent has typed."""
    if not content.strip():
        return []
    return find_articles(content, on=timezone.localdate(), limit=ARTICLES)


# How many articles are offered beside the intake form, best first.
ARTICLES = 5


@login_required
def intake_articles(request):
    """As the agent types the caller's question: the current articles that
    answer it, each to answer with or to attach as a hint (N3)."""
    _agent(request)
    content = request.GET.get("content", "")
    return render(
        request,
        "workbench/_articles.html",
        {"articles": _articles(content), "asked": content.strip()},
    )


def _answered(case):
    """What the agent is told on answering directly (N3): how the answer
    reached the requester, or that it was only read out, with the query
    code to tell them."""
    done = _("Case %(number)s answered directly from the knowledge base and closed.") % {
        "number": case.number
    }
    message = case.answer_message
    if message is None:
        told = _(
            "The caller has no mobile: read the answer out, and tell them the query code "
            "%(code)s, with which they can rate it online. It is shown only now."
        ) % {"code": case.query_code}
    elif message.channel == "sms":
        told = _("The answer, with how to rate it, was sent to %(phone)s by SMS.") % {
            "phone": message.recipient
        }
    else:
        told = _("The answer, with how to rate it, was sent to the requester.")
    return f"{done} {told}"


def _registered(case):
    """What the agent is told on registering: where the query code went, or
    the code itself to read out when nothing carries it (a landline caller,
    issue 15). It is shown this once: only its hash is kept."""
    done = _("Case %(number)s registered and forwarded to the city bureau.") % {
        "number": case.number
    }
    acknowledgement = case.acknowledgement
    if acknowledgement is None:
        told = _(
            "Tell the caller the query code %(code)s: with the case number it lets them "
            "follow the case online. It is shown only now."
        ) % {"code": case.query_code}
    elif acknowledgement.channel == "sms":
        told = _("The case number and query code were sent to %(phone)s by SMS.") % {
            "phone": acknowledgement.recipient
        }
    else:
        told = _("The case number and query code were sent to the requester.")
    return f"{done} {told}"


def _agent(request, refusal=None):
    acting = _acting(request)
    if acting.role != Role.AGENT:
        raise PermissionDenied(refusal or _("Only service center agents register cases."))
    return acting


def _answering(request):
    return _agent(request, _("Only service center agents look cases up for callers."))


# How many of the caller's earlier cases are shown, newest first.
EARLIER = 9


def _earlier(acting, phone, content=""):
    """The cases from this phone number the agent may answer about (every
    case, web cases too); with `content`, which look like a repeat (D7)."""
    if not phone:
        return []
    earlier = list(
        progress_cases(acting.unit, acting.role)
        .filter(requester__phone=phone)
        .select_related("requester")
        .order_by("-received_at", "-id")[:EARLIER]
    )
    if content.strip():
        for case in earlier:
            case.likely_repeat = similarity(case.content, content) >= SIMILARITY
    return earlier


@login_required
def caller(request):
    """As the agent types the phone number or the content: the caller's
    earlier cases and whether the new one looks like a repeat (D7), in
    whichever order they were typed."""
    acting = _agent(request)
    phone = normalise_phone(request.GET.get("phone", ""))
    earlier = _earlier(acting, phone, request.GET.get("content", ""))
    return render(
        request,
        "workbench/_caller.html",
        {
            "earlier": earlier,
            "phone": phone,
            "repeats": [c for c in earlier if getattr(c, "likely_repeat", False)],
            "pick": True,
        },
    )


@login_required
def lookup(request):
    """ "Where is my case?": the service center finds any case by its number,
    or a caller's cases by their phone number, to read its progress."""
    acting = _answering(request)
    asked = request.GET.get("q", "")
    number = case_number(asked)
    context, status = {"asked": asked}, 200
    if number:
        case = progress_cases(acting.unit, acting.role).filter(number=number).first()
        if case is not None:
            return redirect("case-progress", number=case.number)
        context["error"] = _("No case has the number %(number)s.") % {"number": number}
        status = 404
    elif PHONE.fullmatch(unicodedata.normalize("NFKC", asked)) and (
        phone := normalise_phone(asked)
    ):
        context.update(earlier=_earlier(acting, phone), phone=phone)
    elif asked.strip():
        context["error"] = _("Enter a case number (such as FZ2026112600001) or a phone number.")
        status = 400
    return render(request, "workbench/lookup.html", context, status=status)


@login_required
def progress(request, number):
    """A case's progress as its requester may know it, read-only, for the
    agent answering a caller: no handling notes (issue 15)."""
    acting = _answering(request)
    case = get_object_or_404(
        progress_cases(acting.unit, acting.role).select_related(
            "requester", "category", "request_type"
        ),
        number=number,
    )
    context = {
        **case_progress(case),
        "reply_due": reply_due(case),
        "involved": visible_cases(acting.unit, acting.role).filter(pk=case.pk).exists(),
    }
    return render(request, "workbench/progress.html", context)


@login_required
@require_POST
def switch(request):
    key = request.POST.get("acting", "")
    if any(a.key == key for a in acting_module.choices(request.user)):
        request.session[acting_module.SESSION_KEY] = key
    # Back to the page the menu was on: only a path of this site, never
    # another site or a javascript: or data: address.
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("queue")


class PasswordChange(SuccessMessageMixin, PasswordChangeView):
    """Staff change their own password (the validators of
    AUTH_PASSWORD_VALIDATORS apply); the session stays logged in."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("queue")
    success_message = gettext_lazy("Your password has been changed.")


def _template_keeper(request):
    acting = _acting(request)
    if not may_keep(request.user, acting.unit) or acting.role not in KEEPERS:
        raise PermissionDenied(_("Only a unit's handlers and leaders keep its reply templates."))
    return acting


@login_required
def reply_templates(request, template_id=None):
    """R8.2: the acting unit's reply templates; a new one, or one changed."""
    acting = _template_keeper(request)
    template = (
        get_object_or_404(templates_for(acting.unit), pk=template_id) if template_id else None
    )
    status = 200
    if request.method == "POST":
        form = ReplyTemplateForm(request.POST)
        if form.is_valid():
            try:
                save_reply_template(
                    actor=request.user, unit=acting.unit, template=template, **form.cleaned_data
                )
            except WorkflowError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Template saved."))
                return redirect("reply-templates")
        status = 400
    else:
        initial = {}
        if template is not None:
            initial = {
                k: getattr(template, k)
                for k in ("title", "content", "remaining_problems", "measures")
            }
        form = ReplyTemplateForm(initial=initial)
    return render(
        request,
        "workbench/reply_templates.html",
        {"templates": templates_for(acting.unit), "form": form, "editing": template},
        status=status,
    )


@login_required
@require_POST
def reply_template_delete(request, template_id):
    acting = _template_keeper(request)
    template = get_object_or_404(templates_for(acting.unit), pk=template_id)
    delete_reply_template(actor=request.user, template=template)
    messages.success(request, _("Template deleted."))
    return redirect("reply-templates")
