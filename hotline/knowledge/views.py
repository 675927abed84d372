"""The knowledge base's staff pages (N2): a unit's articles, an article with
every version and its history, the forms for each step, the import, and
proposing an approved reply. Thin adapters over hotline.knowledge.actions."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline.cases.actions import city_bureau
from hotline.cases.errors import WorkflowError
from hotline.cases.models import Reply
from hotline.cases.visibility import visible_cases
from hotline.organisation import acting as acting_module
from hotline.organisation.models import Role
from hotline.policy.models import Policy

from . import actions, workflow
from .forms import ArticleForm, ImportForm
from .importing import import_workbook
from .labels import event_label, state_label
from .models import Article, ArticleVersion
from .queues import WAITING
from .workflow import VersionState as V

# The steps a version page offers, by the name in its address.
STEP_VERBS = {
    "submit": ("submit_article", actions.submit_article, False),
    "send-back": ("send_back_article", actions.send_back_article, True),
    "approve": ("approve_article", actions.approve_article, False),
    "return": ("return_article", actions.return_article, True),
    "publish": ("publish_article", actions.publish_article, False),
    "withdraw": ("withdraw_article", actions.withdraw_article, True),
}
SHOWS = ("waiting", "draft", "awaiting_approval", "awaiting_review", "published", "review", "all")


def _acting(request):
    acting = acting_module.current(request)
    if acting is None:
        raise PermissionDenied(_("You hold no role in any unit."))
    return acting


def _is_city_reviewer(acting) -> bool:
    return acting.role == Role.REVIEWER and acting.unit.pk == city_bureau().pk


def _articles(acting):
    """The articles the acting unit and role keep: the city bureau's
    reviewers every unit's, a unit's handlers and leaders their own."""
    if _is_city_reviewer(acting):
        return Article.objects.all()
    if acting.role in (Role.HANDLER, Role.LEADER):
        return Article.objects.filter(unit=acting.unit)
    raise PermissionDenied(
        _("The knowledge base is kept by the units' handlers and leaders and the city bureau.")
    )


def _latest(articles):
    """Each article's latest version, with its article, unit and published
    version: one statement however many rows."""
    newest = ArticleVersion.objects.filter(article=OuterRef("article")).order_by("-number")
    return (
        ArticleVersion.objects.filter(article__in=articles)
        .filter(number=Subquery(newest.values("number")[:1]))
        .select_related("article__unit", "article__published_version")
        .order_by("-drafted_at", "-id")
    )


@login_required
def article_list(request):
    acting = _acting(request)
    articles = _articles(acting)
    today = timezone.localdate()
    soon = today + timedelta(days=Policy.in_force(timezone.now()).article_review_notice_days)
    waiting = WAITING.get(acting.role)
    show = request.GET.get("show") or ("waiting" if waiting else "all")
    if show not in SHOWS:
        show = "all"
    latest = _latest(articles)
    chosen = {
        "waiting": Q(state=waiting) if waiting else Q(pk__in=()),
        "draft": Q(state=V.DRAFT),
        "awaiting_approval": Q(state=V.AWAITING_APPROVAL),
        "awaiting_review": Q(state=V.AWAITING_REVIEW),
        "published": Q(article__published_version__isnull=False),
        "review": Q(article__published_version__review_by__lte=soon),
        "all": Q(),
    }
    counts = latest.aggregate(
        **{name: Count("pk", filter=condition) for name, condition in chosen.items()}
    )
    rows = list(latest.filter(chosen[show])[:200])
    for row in rows:
        row.state_words = state_label(row.state)
        published = row.article.published_version
        row.past_review = published is not None and published.review_by < today
        row.near_review = published is not None and today <= published.review_by <= soon
    return render(
        request,
        "knowledge/article_list.html",
        {
            "rows": rows,
            "show": show,
            "tabs": [(name, _tab_label(name), counts[name]) for name in SHOWS],
            "may_draft": acting.role == Role.HANDLER,
            "may_import": acting.role == Role.HANDLER or _is_city_reviewer(acting),
        },
    )


def _tab_label(name: str) -> str:
    return {
        "waiting": _("Waiting for me"),
        "draft": _("Drafts"),
        "awaiting_approval": _("Awaiting approval"),
        "awaiting_review": _("Awaiting review"),
        "published": _("Published"),
        "review": _("Review date near or past"),
        "all": _("All"),
    }[name]


def _article(request, article_id):
    acting = _acting(request)
    return acting, get_object_or_404(_articles(acting).select_related("unit"), pk=article_id)


def _offers(acting, user, article, versions) -> list[dict]:
    """The steps the acting role may take on this article now, each with
    the version it moves."""
    offers = []
    for version in versions:
        for slug, (action, _verb, needs_reason) in STEP_VERBS.items():
            if (
                version.state in workflow.STEP[action].sources
                and _acts_as(acting, action)
                and actions.may(user, action, article.unit)
            ):
                offers.append(
                    {
                        "slug": slug,
                        "version": version,
                        "label": _step_label(slug),
                        "needs_reason": needs_reason,
                    }
                )
    return offers


def _acts_as(acting, action: str) -> bool:
    """Offered only in the role the page is acting in."""
    return acting.role == actions.ROLE[workflow.STEP[action].actor]


def _step_label(slug: str) -> str:
    return {
        "submit": _("Submit to the leader"),
        "send-back": _("Send back to the handler"),
        "approve": _("Approve"),
        "return": _("Return to the unit"),
        "publish": _("Publish"),
        "withdraw": _("Withdraw"),
    }[slug]


@login_required
def article_detail(request, article_id):
    acting, article = _article(request, article_id)
    versions = list(
        article.versions.select_related(
            "category", "drafted_by", "approved_by", "reviewed_by", "source_reply"
        )
    )
    for version in versions:
        version.state_words = state_label(version.state)
    events = list(article.events.select_related("actor", "unit", "version"))
    for event in events:
        event.words = event_label(event.action)
    latest = versions[0]
    today = timezone.localdate()
    open_version = next((v for v in versions if v.state in actions.OPEN), None)
    return render(
        request,
        "knowledge/article_detail.html",
        {
            "article": article,
            "latest": latest,
            "versions": versions,
            "events": events,
            "offers": _offers(acting, request.user, article, versions),
            "may_edit": (
                open_version is not None
                and open_version.state == V.DRAFT
                and acting.role == Role.HANDLER
                and actions.may(request.user, "edit_article", article.unit)
            ),
            "may_renew": (
                open_version is None
                and acting.role == Role.HANDLER
                and actions.may(request.user, "draft_article", article.unit)
            ),
            "past_review": (
                article.published_version_id is not None
                and article.published_version.review_by < today
            ),
        },
    )


def _form_page(request, form, *, title, article=None, status=200):
    return render(
        request,
        "knowledge/article_form.html",
        {"form": form, "title": title, "article": article},
        status=status,
    )


def _save(request, form, run, *, title, article=None):
    """Run the verb with the form's text; its refusal shows on the form."""
    if form.is_valid():
        try:
            version = run(form.text())
        except WorkflowError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The article is saved as a draft."))
            return redirect("article-detail", version.article_id)
    return _form_page(request, form, title=title, article=article, status=400)


@login_required
def article_new(request):
    acting = _acting(request)
    if acting.role != Role.HANDLER:
        raise PermissionDenied(_("A unit's handlers draft its articles."))
    title = _("New article")
    if request.method == "POST":
        return _save(
            request,
            ArticleForm(request.POST),
            lambda text: actions.draft_article(actor=request.user, unit=acting.unit, text=text),
            title=title,
        )
    today = timezone.localdate()
    form = ArticleForm(
        initial={"effective_on": today, "review_by": actions.default_review_by(today)}
    )
    return _form_page(request, form, title=title)


@login_required
def article_edit(request, article_id):
    acting, article = _article(request, article_id)
    version = article.versions.filter(state=V.DRAFT).first()
    if version is None or acting.role != Role.HANDLER:
        raise PermissionDenied(_("Only a draft is changed, by the unit's handler."))
    title = _("Change the draft")
    if request.method == "POST":
        return _save(
            request,
            ArticleForm(request.POST),
            lambda text: actions.edit_article(actor=request.user, version=version, text=text),
            title=title,
            article=article,
        )
    form = ArticleForm(initial=ArticleForm.initial_from(version))
    return _form_page(request, form, title=title, article=article)


@login_required
def article_renew(request, article_id):
    """A new version drafted from the latest, with a new review-by date."""
    acting, article = _article(request, article_id)
    if acting.role != Role.HANDLER:
        raise PermissionDenied(_("A unit's handlers draft its articles."))
    title = _("New version")
    if request.method == "POST":
        return _save(
            request,
            ArticleForm(request.POST),
            lambda text: actions.draft_article(actor=request.user, article=article, text=text),
            title=title,
            article=article,
        )
    today = timezone.localdate()
    initial = ArticleForm.initial_from(article.versions.first())
    initial.update(effective_on=today, review_by=actions.default_review_by(today))
    return _form_page(request, ArticleForm(initial=initial), title=title, article=article)


@login_required
@require_POST
def article_step(request, article_id, number, step):
    _acting_now, article = _article(request, article_id)
    if step not in STEP_VERBS:
        raise PermissionDenied(_("This cannot be done here."))
    version = get_object_or_404(article.versions, number=number)
    _action, verb, needs_reason = STEP_VERBS[step]
    reason = {"reason": request.POST.get("reason", "")} if needs_reason else {}
    try:
        verb(actor=request.user, version=version, **reason)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": _step_label(step)})
    return redirect("article-detail", article.pk)


@login_required
@require_POST
def propose(request, reply_id):
    """An approved reply proposed as a draft article; a handler lands on
    the draft to edit it."""
    acting = _acting(request)
    reply = get_object_or_404(
        Reply.objects.select_related("assignment__case", "assignment__unit"), pk=reply_id
    )
    case = reply.assignment.case
    if not visible_cases(acting.unit, acting.role).filter(pk=case.pk).exists():
        raise PermissionDenied(_("This case is not in your unit's reach."))
    try:
        version = actions.propose_article_from_reply(actor=request.user, reply=reply)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("case-detail", case.number)
    messages.success(request, _("A draft article was made from the reply."))
    if acting.role == Role.HANDLER and acting.unit.pk == reply.assignment.unit_id:
        return redirect("article-edit", version.article_id)
    return redirect("article-detail", version.article_id)


@login_required
def article_import(request):
    acting = _acting(request)
    city = _is_city_reviewer(acting)
    if not (city or acting.role == Role.HANDLER):
        raise PermissionDenied(
            _("Articles are imported by the city bureau's reviewers or a unit's handlers.")
        )
    report = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if not city:
            form.fields.pop("publish")
        if form.is_valid():
            try:
                report = import_workbook(
                    form.cleaned_data["file"],
                    actor=request.user,
                    unit=None if city else acting.unit,
                    publish=city and form.cleaned_data.get("publish", False),
                )
            except WorkflowError as error:
                form.add_error("file", error.message)
                status = 400
        else:
            status = 400
    else:
        form = ImportForm()
        if not city:
            form.fields.pop("publish")
    return render(
        request,
        "knowledge/article_import.html",
        {"form": form, "report": report, "city": city},
        status=status,
    )
