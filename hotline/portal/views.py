"""The public portal: submit, track, read published replies, rate (R2, R9,
D8, D9). Everything a visitor sees of a case comes through
hotline.cases.publication, or, for their own case, after the query code."""

import uuid
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from hotline.cases import actions, filters, rating
from hotline.cases.actions import RequesterDetails
from hotline.cases.errors import WorkflowError
from hotline.cases.models import Case, Category
from hotline.cases.progress import progress
from hotline.cases.publication import (
    kept_for_the_public,
    public_record,
    public_records,
    published_cases,
)
from hotline.cases.querycode import matches
from hotline.knowledge.public import kept, public_article, public_list, public_search
from hotline.organisation.models import District
from hotline.policy.models import Policy
from hotline.workbench.models import IntakeSubmission

from . import throttle
from .forms import RateForm, SubmitForm, TrackForm
from .stats import kept_monthly

PAGE = 20
SESSION_TRACKED = "portal_tracked_case"
SESSION_SUBMITTED = "portal_submitted"


def home(request):
    return render(request, "portal/home.html", {"policy": Policy.in_force(timezone.now())})


def submit(request):
    if request.method == "POST":
        form = SubmitForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            if data["website"]:
                form.add_error(None, _("Your request could not be accepted."))
            elif earlier := IntakeSubmission.objects.filter(token=data["submission"]).first():
                # Submitted twice: the first one stands, and counts once.
                request.session[SESSION_SUBMITTED] = {"number": earlier.case.number}
                return redirect("portal-submitted")
            elif (
                taken := throttle.take_all(
                    [
                        ("submit-address", throttle.address(request)),
                        ("submit-mobile", throttle.mobile(data["mobile"])),
                    ]
                )
            ) is None:
                form.add_error(None, _("Too many requests. Please try again in an hour."))
            else:
                try:
                    with transaction.atomic():
                        case = actions.submit_online(
                            requester=RequesterDetails(name=data["name"], phone=data["mobile"]),
                            content=data["content"],
                            location=data["location"],
                            category=data["category"],
                            request_type=data["request_type"],
                            disclosure_allowed=data["disclosure_allowed"],
                            attachments=data["photos"],
                        )
                        IntakeSubmission.objects.create(token=data["submission"], case=case)
                except IntegrityError:  # the same form twice at once: one case
                    throttle.give_back_all(taken)
                    return redirect("portal-submitted")
                except WorkflowError as error:
                    throttle.give_back_all(taken)
                    field = {"phone": "mobile", "attachment": "photos"}.get(
                        error.field, error.field
                    )
                    form.add_error(field if field in form.fields else None, error.message)
                else:
                    request.session[SESSION_SUBMITTED] = {
                        "number": case.number,
                        "code": case.query_code,
                    }
                    return redirect("portal-submitted")
        status = 400
    else:
        form = SubmitForm(initial={"submission": uuid.uuid4()})
        status = 200
    return render(request, "portal/submit.html", {"form": form}, status=status)


def submitted(request):
    """Shown once: the case number and the private query code."""
    shown = request.session.pop(SESSION_SUBMITTED, None)
    if shown is None:
        return redirect("portal-track")
    return render(request, "portal/submitted.html", shown)


# How long a looked-up case stays open in the browser (a shared computer).
TRACKED_SECONDS = 30 * 60


def _remember(request, case) -> None:
    request.session.cycle_key()
    request.session[SESSION_TRACKED] = {
        "case": case.pk,
        "until": (timezone.now() + timedelta(seconds=TRACKED_SECONDS)).isoformat(),
    }


def _tracked(request):
    held = request.session.get(SESSION_TRACKED)
    if not isinstance(held, dict):
        return None
    until = parse_datetime(held.get("until", ""))
    if until is None or until < timezone.now():
        request.session.pop(SESSION_TRACKED, None)
        return None
    return (
        Case.objects.filter(pk=held.get("case")).select_related("requester", "request_type").first()
    )


def track(request):
    case, status = None, 200
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            number = form.cleaned_data["number"].strip().upper()
            where = throttle.address(request)
            # Counted as a failure before the code is checked, so parallel
            # guesses cannot all slip past the limit; a match gives it back.
            taken = throttle.take_all(
                [("track-fail-address", where), ("track-fail-number", f"{where}:{number}")]
            )
            if taken is None:
                form.add_error(None, _("Too many attempts. Please try again in an hour."))
                status = 429
            else:
                found = Case.objects.filter(number=number).first()
                if found and matches(form.cleaned_data["code"], found.query_code_hash):
                    throttle.give_back_all(taken)
                    _remember(request, found)
                    return redirect("portal-tracked")
                # One message whether the number exists or not.
                form.add_error(None, _("No case matches this number and query code."))
                status = 404
        else:
            status = 400
    else:
        form = TrackForm(initial={"number": request.GET.get("number", "")})
    return render(request, "portal/track.html", {"form": form, "case": case}, status=status)


def _case_context(case):
    return {**progress(case), "can_rate": case.state == "closed" and case.rated_at is None}


def tracked(request):
    case = _tracked(request)
    if case is None:
        return redirect("portal-track")
    form = RateForm()
    status = 200
    if request.method == "POST" and request.user.is_authenticated:
        return _staff_may_not_rate(request)
    if request.method == "POST":
        form = RateForm(request.POST)
        if form.is_valid():
            try:
                actions.rate_case(
                    case=case,
                    satisfaction=form.cleaned_data["satisfaction"],
                    comment=form.cleaned_data["comment"],
                )
            except WorkflowError as error:
                form.add_error(None, error.message)
                status = 409
            else:
                return redirect("portal-tracked")
        else:
            status = 400
    context = _case_context(case)
    if request.user.is_authenticated:  # staff: no rating form (D9)
        context["can_rate"] = False
    return render(request, "portal/tracked.html", {**context, "form": form}, status=status)


def rate_link(request, token):
    """D9: the link in the result message opens the rating for that case,
    for its requester: never in a staff session."""
    if request.user.is_authenticated:
        return _staff_may_not_rate(request)
    case = rating.case_for(token)
    if case is None:  # a bad link, or rated already: the link has done its work
        raise Http404
    _remember(request, case)
    return redirect("portal-tracked")


def _staff_may_not_rate(request):
    return render(
        request,
        "portal/staff_may_not_rate.html",
        {"message": _("Only the requester rates a case; a staff session cannot rate.")},
        status=403,
    )


def published(request):
    """Closed public cases, newest first, searchable (R9, D8)."""
    g = request.GET

    def page():
        # The same index as the staff's search, which holds the text as the
        # public reads it (masked, D8); no search by number, phone or name.
        cases = filters.newest_first(
            filters.apply(
                published_cases().select_related("category", "requester", "request_type"),
                g,
                date_field="closed_at",
            ),
            "closed_at",
        )
        cases = list(filters.before(cases, g.get("before"), "closed_at")[: PAGE + 1])
        last = cases[PAGE - 1] if len(cases) > PAGE else None
        marker = filters.marker(last, "closed_at") if last else None
        return list(public_records(cases[:PAGE]).values()), marker

    # A crowd reads the same few pages and searches the same few words:
    # each is kept by its valid filters and place.
    shown = filters.CaseFilters(g).values()
    key = (sorted(shown.items()), g.get("before", ""))
    records, marker = kept_for_the_public("published", key, page)
    following = None
    if marker:
        query = g.copy()
        query["before"] = marker
        following = query.urlencode()
    return render(
        request,
        "portal/published.html",
        {
            "records": records,
            "following": following,
            "categories": Category.objects.filter(is_active=True),
            "districts": District.objects.all(),
            "filters": g,
        },
    )


def published_detail(request, number):
    def record():
        case = (
            published_cases()
            .select_related("category", "requester", "request_type")
            .filter(number=number)
            .first()
        )
        return public_record(case) if case is not None else None

    found = kept_for_the_public("case", number, record)
    if found is None:
        raise Http404
    return render(request, "portal/published_detail.html", {"record": found})


def statistics(request):
    return render(request, "portal/stats.html", {"months": kept_monthly()})


# Articles on one page of the knowledge base, and beside the submit form.
ARTICLES = 20
SUGGESTED = 3
MAX_ID = 2**63 - 1
# What a person types is searched up to this length (the content field is longer).
ASKED_CHARS = 200


def _category(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 12 else None


def _found_articles(request, asked: str, *, limit: int, category=None):
    """The articles for `asked`, or None when the address has searched too
    often; each question's answer is kept (hotline.knowledge.public.kept)."""
    if not asked:
        return kept("list", (category, limit), lambda: public_list(category=category, limit=limit))
    if not throttle.take("knowledge-address", throttle.address(request)):
        return None
    return kept("search", (asked, limit), lambda: public_search(asked, limit=limit))


def knowledge(request):
    """N2: the public searches and reads the published, current articles."""
    asked = request.GET.get("q", "").strip()[:ASKED_CHARS]
    category = _category(request.GET.get("category", ""))
    found = _found_articles(request, asked, limit=ARTICLES, category=None if asked else category)
    return render(
        request,
        "portal/knowledge.html",
        {
            "articles": found or [],
            "limited": found is None,
            "asked": asked,
            "category": category,
            "categories": Category.objects.filter(is_active=True),
        },
        status=429 if found is None else 200,
    )


def knowledge_detail(request, article_id):
    if article_id > MAX_ID:
        raise Http404
    found = kept("article", article_id, lambda: public_article(article_id))
    if found is None:
        raise Http404
    return render(request, "portal/knowledge_detail.html", {"article": found})


def suggested_articles(request):
    """As a person types their request on the submit page: articles that
    may already answer it (htmx; nothing when nothing matches)."""
    asked = request.GET.get("content", "").strip()[:ASKED_CHARS]
    found = _found_articles(request, asked, limit=SUGGESTED) if asked else []
    return render(request, "portal/_suggested_articles.html", {"articles": found or []})
