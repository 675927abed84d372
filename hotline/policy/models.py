"""Policies: the regulation's periods with the date they take effect (R13)."""

import copy
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline.reference.revisions import ANNOTATION, Reference

from .terms import TERM_NAMES, PolicyTerms


class NoPolicyInForce(Exception):
    pass


def _days(label, help_text):
    return models.PositiveSmallIntegerField(label, help_text=help_text)


class Policy(models.Model):
    """A version of the rules. A case keeps the one in force when it was
    received (R13), so a policy cannot change once it is in force: to change
    a period, add a new policy with a later effective date."""

    name = models.CharField(_("name"), max_length=200)
    effective_on = models.DateField(
        _("effective on"),
        unique=True,
        help_text=_("Cases received from this day on (Asia/Shanghai) use this policy."),
    )
    forward_days = _days(
        _("forwarding (working days)"),
        _("Service center to the city bureau; 0 means the same calendar day."),
    )
    dispatch_days = _days(_("dispatch (working days)"), _("A bureau dispatches a case."))
    read_days = _days(_("read (working days)"), _("Read and submit to the leader."))
    reply_days = _days(_("reply (working days)"), _("Reply from receipt, reading included."))
    unit_return_days = _days(
        _("unit return (working days)"), _("A unit returns a case outside its duties.")
    )
    district_return_days = _days(
        _("district return request (working days)"),
        _("A district bureau asks the city bureau to take a case back."),
    )
    city_decision_days = _days(
        _("city decision (working days)"),
        _("The city bureau answers a district's return request."),
    )
    review_days = _days(_("review (working days)"), _("A bureau reviews a reply."))
    redo_days = _days(_("redo (working days)"), _("A unit redoes a reply sent back."))
    co_handler_lead_days = _days(
        _("co-handler lead time (working days)"),
        _("A co-handler's contribution is due this long before the lead's reply deadline."),
    )
    repeat_threshold = models.PositiveSmallIntegerField(
        _("repeat threshold"),
        help_text=_(
            "After more than this many timely replies to the same matter the city bureau "
            "may decline to dispatch it again."
        ),
    )
    late_reads_for_warning = models.PositiveSmallIntegerField(
        _("late reads for a warning"),
        help_text=_(
            "Late reads by one person in a calendar month that bring an efficiency warning."
        ),
    )
    escalate_to_leader_after = models.PositiveSmallIntegerField(
        _("warnings before the leader is warned"),
        help_text=_(
            "From this many warnings in a unit within the window, the unit's leader in "
            "charge is warned too."
        ),
    )
    escalate_to_bulletin_after = models.PositiveSmallIntegerField(
        _("warnings before a bulletin"),
        help_text=_("From this many, the unit is also criticised in a bulletin."),
    )
    escalation_window_months = models.PositiveSmallIntegerField(
        _("escalation window (months)"), help_text=_("How far back warnings count.")
    )
    rank_weight_read = models.PositiveSmallIntegerField(
        _("ranking weight: read timeliness (%)"),
        help_text=_("The four weights add up to 100."),
    )
    rank_weight_quality = models.PositiveSmallIntegerField(
        _("ranking weight: handling quality (%)")
    )
    rank_weight_reply = models.PositiveSmallIntegerField(_("ranking weight: reply timeliness (%)"))
    rank_weight_satisfaction = models.PositiveSmallIntegerField(
        _("ranking weight: public satisfaction (%)")
    )
    article_review_notice_days = models.PositiveSmallIntegerField(
        _("knowledge base review notice (days)"),
        help_text=_(
            "A unit is told this many calendar days before one of its knowledge base "
            "articles is due for review."
        ),
    )
    article_valid_days = models.PositiveSmallIntegerField(
        _("knowledge base article validity (days)"),
        help_text=_(
            "A new article's review-by date is first offered this many calendar days after "
            "its effective date."
        ),
    )
    objection_decision_days = _days(
        _("objection decision (working days)"),
        _("The bureau decides a unit's objection to a dispatch (a return)."),
    )
    cluster_threshold = models.PositiveSmallIntegerField(
        _("early warning: requests in a cluster"),
        help_text=_("This many requests about one matter or place within the window warn."),
    )
    cluster_window_hours = models.PositiveSmallIntegerField(
        _("early warning: cluster window (hours)"),
        help_text=_("How far back requests count towards a cluster."),
    )
    repeat_asker_threshold = models.PositiveSmallIntegerField(
        _("early warning: one person's requests"),
        help_text=_("One person asking about the same matter this many times warns."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-effective_on"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self):
        return f"{self.name} ({self.effective_on.isoformat()})"

    @property
    def terms(self) -> PolicyTerms:
        return PolicyTerms(**{name: getattr(self, name) for name in TERM_NAMES})

    def is_in_force_since(self, today=None) -> bool:
        return self.effective_on <= (today or timezone.localdate())

    def clean(self):
        if self.pk:
            stored = Policy.objects.filter(pk=self.pk).values_list("effective_on", flat=True).get()
            if stored <= timezone.localdate():
                raise ValidationError(
                    _(
                        "This policy has been in force since %(date)s and cases keep it. "
                        "Add a new policy with a later effective date instead."
                    )
                    % {"date": stored.isoformat()}
                )
        if self.effective_on and self.effective_on < timezone.localdate():
            raise ValidationError(
                {"effective_on": _("A new policy cannot take effect in the past.")}
            )
        values = {name: getattr(self, name) for name in TERM_NAMES}
        if None not in values.values():
            try:
                PolicyTerms(**values)
            except ValueError as error:
                field = {
                    "co_handler_lead_days": "co_handler_lead_days",
                    "ranking weights": "rank_weight_read",
                    "escalation": "escalate_to_leader_after",
                }
                name = next((f for k, f in field.items() if k in str(error)), None)
                message = {
                    "co_handler_lead_days": _(
                        "The co-handler lead time must be shorter than the reply period."
                    ),
                    "rank_weight_read": _("The four ranking weights must add up to 100."),
                    "escalate_to_leader_after": _(
                        "Escalation steps must be positive and in order."
                    ),
                }
                raise ValidationError({name: message[name]}) from None

    @classmethod
    def in_force(cls, at: datetime, **beside) -> "Policy":
        """The policy for a case received at `at` (R13); `beside`: other
        values to read in the same statement, as annotations.

        A caller that reads the reference data's revision beside it (the
        intake verbs) gets the statement's id and annotations only, and the
        policy's columns from the process's copy of every policy."""
        day = timezone.localtime(at).date()
        in_force = cls.objects.filter(effective_on__lte=day).order_by("-effective_on")
        if ANNOTATION not in beside:
            policy = in_force.annotate(**beside).first()
            if policy is None:
                raise NoPolicyInForce(f"no policy is in force on {day.isoformat()}")
            return policy
        found = in_force.annotate(**beside).values("pk", *beside).first()
        if found is None:
            raise NoPolicyInForce(f"no policy is in force on {day.isoformat()}")
        kept = POLICIES.get(found[ANNOTATION]).get(found["pk"])
        # A row added without signals (a data migration) is read as it is.
        policy = copy.copy(kept) if kept else cls.objects.get(pk=found["pk"])
        for name in beside:
            setattr(policy, name, found[name])
        return policy


# Every policy, kept by each process and built again when the reference
# data's revision moves (a policy saved or deleted moves it).
POLICIES = Reference("policies", (Policy,), lambda: {p.pk: p for p in Policy.objects.all()})
