"""The knowledge base (N2): articles, every version kept, and their history."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hotline.history import History
from hotline.organisation.models import Unit

from .labels import STATE_LABELS
from .workflow import VersionState


class Article(models.Model):
    """One answer the hotline keeps, owned by its responsible unit. Its
    content lives in versions; `published_version` is the one the public
    reads and agents answer from while it is current."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="articles", verbose_name=_("responsible unit")
    )
    created_at = models.DateTimeField(_("created at"))
    published_version = models.OneToOneField(
        "ArticleVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published version"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self):
        version = self.published_version
        return version.title if version else f"#{self.pk}"


class ArticleVersion(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="versions", verbose_name=_("article")
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("question, in the public's words"))
    answer = models.TextField(_("answer"))
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    category = models.ForeignKey(
        "cases.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    effective_on = models.DateField(_("effective on"))
    review_by = models.DateField(_("review by"))
    state = models.CharField(
        _("state"), max_length=20, choices=[(s.value, STATE_LABELS[s]) for s in VersionState]
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    drafted_at = models.DateTimeField(_("drafted at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    reviewed_at = models.DateTimeField(_("published at"), null=True)
    # An approved reply proposed as an article keeps where it came from.
    source_reply = models.ForeignKey(
        "cases.Reply",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed from the reply"),
    )
    # Segments and bigrams of title, question, answer and keywords, for the
    # same search as cases (hotline.cases.search.index_text).
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_number"),
        ]
        indexes = [
            models.Index(
                fields=["review_by"],
                condition=Q(state="published"),
                name="article_published_review_by",
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.number})"

    def is_current(self, on: date) -> bool:
        """N2: offered for direct answers only while published and between
        its effective date and its review-by date."""
        return self.state == VersionState.PUBLISHED and self.effective_on <= on <= self.review_by


class ArticleEvent(History):
    """An article's history: one row per step, never edited (N2)."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="events", verbose_name=_("article")
    )
    version = models.ForeignKey(
        ArticleVersion,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("article version"),
    )
    action = models.CharField(_("step"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("unit")
    )
    at = models.DateTimeField(_("at"), db_index=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("article history entry")
        verbose_name_plural = _("article history")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
