"""The staff workbench: queue, case list, case detail with its actions,
intake, dispatch, print view and the supervisors' view. Thin adapters over
hotline.cases: every read starts from visible_cases(), every write is a
verb."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hotline.calendar.services import database_calendar
from hotline.cases import actions as verbs
from hotline.cases import filters
from hotline.cases.actions import RequesterDetails
from hotline.cases.errors import CaseChanged, InvalidInput, NotAllowed, WorkflowError, WrongState
from hotline.cases.labels import STATE_LABELS
from hotline.cases.models import Category, Channel
from hotline.cases.numbers import case_number
from hotline.cases.privacy import FULL_REQUESTER_ROLES, text_for
from hotline.cases.repeats import SIMILARITY, find_likely_repeats, normalise_phone, similarity
from hotline.cases.visibility import visible_cases
from hotline.cases.workflow import CaseState
from hotline.health.status import job_problems
from hotline.notifications.models import CallbackTask, InboundMessage
from hotline.organisation import acting as acting_module
from hotline.organisation.models import District, Role, Unit
from hotline.organisation.roster import is_administrator
from hotline.policy.models import Policy
from hotline.supervision.rules import supervises

from . import case_actions
from .countdown import countdown
from .forms import IntakeForm, PlanForm, VersionedForm
from .models import IntakeSubmission
from .queues import PAGE, tasks

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
            "job_problems": job_problems() if is_administrator(request.user) else [],
            "tasks": items[:PAGE],
            "more": len(items) > PAGE,
            "today": today,
            "today_is_working_day": calendar.is_working_day(today),
            "today_is_provisional": calendar.is_provisional(today),
            "policy": Policy.in_force(now),
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
        _filtered(request, visible, acting.role).select_related("category", "requester"),
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
    case = get_object_or_404(cases.select_related("requester", "category", "policy"), number=number)
    return acting, case


def _detail_context(request, case, acting, failed=None):
    """Everything the case page shows; `failed` is (offer key, bound form)
    to show again with its errors."""
    initial = {}
    if acting.role == Role.REVIEWER and case.state == CaseState.APPROVED:
        initial["close"] = case_actions.close_initial(case)
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
        "clocks": clocks,
        "events": case.events.select_related("actor", "actor_unit"),
        "messages_out": case.messages.all(),
        "attachments": case.attachments.all(),
        "escalations": case.escalations.select_related("main_recipient").prefetch_related(
            "copy_recipients"
        ),
        "offers": [o for o in offers if o.spec.action != "dispatch"],
        "dispatch_offers": dispatch_offers,
        "repeats": find_likely_repeats(case) if case.flag_repeat else [],
        "facts": case_actions.screening_facts(case) if case.state == CaseState.SCREENING else {},
        "state_label": _state_label(case.state),
    }


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
    form = spec.form(request.POST, prefix=f"{action}-{target.pk}")
    key = f"{action}-{target_kind}-{target.pk}"
    if not form.is_valid():
        context = _detail_context(request, case, acting, failed=(key, form))
        return render(request, "workbench/case_detail.html", context, status=400)
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
    if request.method == "POST":
        count = filters.whole_number(request.POST.get("count"), 1, 1, 5) if first else 1
        version = VersionedForm(request.POST)
        plans = [PlanForm(request.POST, bureau=bureau, prefix=f"p{i}") for i in range(count)]
        if version.is_valid() and all(p.is_valid() for p in plans):
            try:
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
            except WorkflowError as error:
                if isinstance(error, CaseChanged):
                    messages.warning(request, error.message)
                    return redirect("case-detail", number=case.number)
                messages.error(request, error.message)
                status = STATUS_CODES.get(type(error), 400)
            else:
                messages.success(request, _("Dispatched."))
                return redirect("case-detail", number=case.number)
        else:
            status = 400
    else:
        status = 200
        version = VersionedForm(initial={"expected_version": case.version})
        plans = [PlanForm(bureau=bureau, prefix=f"p{i}") for i in range(count)]
    suggested = case.category.suggested_units.filter(parent=bureau) if case.category else []
    return render(
        request,
        "workbench/dispatch.html",
        {
            "case": case,
            "part": part,
            "bureau": bureau,
            "version": version,
            "plans": plans,
            "count": count,
            "first": first,
            "suggested": suggested,
            "more_parts": count + 1 if first and count < 5 else None,
            "hide": text_for(case, acting.role),  # D8
        },
        status=status,
    )


@login_required
def intake(request):
    """R5: an agent registers a call, fax, SMS or email; saving forwards it."""
    acting = _acting(request)
    if acting.role != Role.AGENT:
        raise PermissionDenied(_("Only service center agents register cases."))
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
                    case = verbs.register_case(
                        actor=request.user,
                        channel=data["channel"],
                        requester=RequesterDetails(
                            name=data["name"],
                            phone=data["phone"],
                            id_number=data["id_number"],
                            email=data["email"],
                            address=data["address"],
                            kind=data["kind"],
                        ),
                        content=data["content"],
                        location=data["location"],
                        category=data["category"],
                        disclosure_allowed=data["disclosure_allowed"],
                        attachments=[data["attachment"]] if data["attachment"] else [],
                    )
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
                messages.success(
                    request,
                    _("Case %(number)s registered and forwarded to the city bureau.")
                    % {"number": case.number},
                )
                return redirect("case-detail", number=case.number)
        status = 400
    else:
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
        form = IntakeForm(initial=initial)
        status = 200
    return render(request, "workbench/intake.html", {"form": form}, status=status)


@login_required
def caller(request):
    """As the agent types the phone number: the caller's earlier cases and
    whether the new one looks like a repeat (D7)."""
    acting = _acting(request)
    if acting.role != Role.AGENT:
        raise PermissionDenied
    phone = normalise_phone(request.GET.get("phone", ""))
    earlier = []
    if phone:
        earlier = list(
            visible_cases(acting.unit, acting.role)
            .filter(requester__phone=phone)
            .order_by("-received_at")[:10]
        )
    content = request.GET.get("content", "")
    if content and earlier:
        for case in earlier:
            case.likely_repeat = similarity(case.content, content) >= SIMILARITY
    return render(request, "workbench/_caller.html", {"earlier": earlier, "phone": phone})


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
