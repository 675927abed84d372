"""The efficiency offices' rules (R10, R11, R12), with the thresholds and
weights of the policy in force.

The escalation ladder (R11(3), "累进逐级追究"): a unit's warnings issued in
the last `escalation_window_months` decide how far a new one reaches.
  level 1: the person responsible is warned;
  level 2 (from `escalate_to_leader_after` warnings, this one included):
           the unit's leader in charge is warned as well;
  level 3 (from `escalate_to_bulletin_after`): and the unit is criticised in
           a bulletin.
The system proposes; a supervisor of the right efficiency office decides."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.calendar.workdays import SHANGHAI
from hotline.cases.changes import touch
from hotline.cases.models import Event, Violation
from hotline.notifications.outbox import notify
from hotline.organisation.models import Role, RoleGrant, Unit, User
from hotline.policy.models import Policy

from .figures import unit_totals
from .models import BulletinEntry, Warning

REASON_LENGTH = 500


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=SHANGHAI)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


def _offices(actor: User) -> list[Unit]:
    """The efficiency offices in which `actor` is a supervisor."""
    return [
        office
        for (_uid, role), office in actor.grants().items()
        if role == Role.SUPERVISOR and office.kind == Unit.Kind.EFFICIENCY_OFFICE
    ]


def supervising_office(actor: User, unit: Unit) -> Unit | None:
    """The efficiency office over `unit` in which `actor` is a supervisor:
    the city's supervises every unit; a district's the units of its
    district (the district's own before the city's)."""
    found = None
    for office in _offices(actor):
        if office.level == Unit.Level.DISTRICT and office.district_id == unit.district_id:
            return office
        if office.level == Unit.Level.CITY:
            found = office
    return found


def supervises(actor: User, unit: Unit) -> bool:
    return supervising_office(actor, unit) is not None


def supervised_units(actor: User):
    """The units `actor` supervises, as a queryset (see supervising_office)."""
    offices = _offices(actor)
    if any(office.level == Unit.Level.CITY for office in offices):
        return Unit.objects.all()
    return Unit.objects.filter(district__in=[o.district_id for o in offices if o.district_id])


def _require_supervisor(actor: User, unit: Unit) -> Unit:
    office = supervising_office(actor, unit) if actor.is_active else None
    if office is None:
        raise PermissionDenied(
            _("Only a supervisor of the efficiency office over this unit may do this.")
        )
    return office


@transaction.atomic
def excuse_violation(*, actor: User, violation: Violation, reason: str) -> Violation:
    """D5, R11(2): a violation whose cause was not human counts nowhere: not
    as a violation, and its clock not as late (hotline.cases.timeliness), in
    every figure. The case's timeline shows who excused it and why."""
    violation = (
        Violation.objects.select_for_update(of=("self",))
        .select_related("unit", "clock", "case")
        .get(pk=violation.pk)
    )
    office = _require_supervisor(actor, violation.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the cause was not human.")})
    if len(reason) > REASON_LENGTH:
        raise ValidationError(
            {"reason": _("Say it in at most %(n)d characters.") % {"n": REASON_LENGTH}}
        )
    if violation.excused_at is not None:
        raise ValidationError(_("This violation has already been excused."))
    now = timezone.now()
    violation.excused_at, violation.excused_by, violation.excuse_reason = now, actor, reason
    violation.save(update_fields=["excused_at", "excused_by", "excuse_reason"])
    Event.objects.create(
        case=violation.case,
        action="excuse_violation",
        actor=actor,
        actor_unit=office,
        at=now,
        details={
            "violation": violation.pk,
            "kind": violation.kind,
            "unit": violation.unit.name,
            "reason": reason,
        },
    )
    # The day it happened counted it as a violation, and the day its clock
    # was due as late.
    touch(violation.occurred_at, violation.clock.due_at if violation.clock else None)
    Warning.objects.filter(evidence=violation, decision=Warning.Decision.PROPOSED).update(
        decision=Warning.Decision.DISMISSED,
        decided_by=actor,
        decided_at=timezone.now(),
        note=_("Evidence excused: %(reason)s") % {"reason": reason},
    )
    return violation


def leader_of(unit: Unit) -> User | None:
    grant = (
        RoleGrant.objects.filter(unit=unit, role=Role.LEADER)
        .order_by("granted_at", "id")
        .select_related("user")
        .first()
    )
    return grant.user if grant else None


def _level(unit: Unit, policy: Policy, now: datetime) -> int:
    since = now - timedelta(days=30 * policy.escalation_window_months)
    earlier = Warning.objects.filter(
        unit=unit, decision=Warning.Decision.ISSUED, decided_at__gte=since
    ).count()
    count = earlier + 1
    if count >= policy.escalate_to_bulletin_after:
        return Warning.Level.BULLETIN
    if count >= policy.escalate_to_leader_after:
        return Warning.Level.LEADER
    return Warning.Level.PERSON


def _propose(person, unit, reason, key, evidence, policy, now) -> Warning | None:
    warning, created = Warning.objects.get_or_create(
        key=key,
        defaults={
            "person": person,
            "unit": unit,
            "reason": reason,
            "level": _level(unit, policy, now),
            "proposed_at": now,
        },
    )
    if not created:
        return None
    if warning.level >= Warning.Level.LEADER:
        warning.leader = leader_of(unit)
        warning.save(update_fields=["leader"])
    warning.evidence.set(evidence)
    return warning


@transaction.atomic
def propose_warnings(month: date, now: datetime | None = None) -> list[Warning]:
    """What the month's violations call for (R11). Safe to run again: each
    proposal and bulletin entry is made once."""
    now = now or timezone.now()
    start, end = month_bounds(month)
    policy = Policy.in_force(end - timedelta(seconds=1))
    counted = Violation.objects.filter(
        excused_at__isnull=True, occurred_at__gte=start, occurred_at__lt=end
    )
    proposals = []
    # R11(1): late reads by one person in a calendar month.
    late = (
        counted.filter(kind=Violation.Kind.LATE_READ, person__isnull=False)
        .values("person", "unit")
        .annotate(n=Count("id"))
        .filter(n__gte=policy.late_reads_for_warning)
    )
    for row in late:
        evidence = counted.filter(
            kind=Violation.Kind.LATE_READ, person=row["person"], unit=row["unit"]
        )
        proposals.append(
            _propose(
                User.objects.get(pk=row["person"]),
                Unit.objects.get(pk=row["unit"]),
                Warning.Reason.LATE_READS,
                f"late_reads:{row['person']}:{row['unit']}:{month:%Y-%m}",
                evidence,
                policy,
                now,
            )
        )
    # R11(1), R11(2): late reads name the unit in the bulletin; lapsed and
    # overdue handling also bring a warning for the person responsible.
    for violation in counted.select_related("unit", "case", "person"):
        BulletinEntry.objects.get_or_create(
            violation=violation,
            defaults={
                "unit": violation.unit,
                "kind": BulletinEntry.Kind.CRITICISM,
                "text": f"{violation.unit.name}：诉求件{violation.case.number}"
                f"{violation.get_kind_display()}",
                "occurred_at": violation.occurred_at,
            },
        )
        if violation.kind != Violation.Kind.LATE_READ and violation.person_id:
            proposals.append(
                _propose(
                    violation.person,
                    violation.unit,
                    Warning.Reason.VIOLATION,
                    f"violation:{violation.pk}",
                    [violation],
                    policy,
                    now,
                )
            )
    return [p for p in proposals if p is not None]


@transaction.atomic
def decide_warning(*, actor: User, warning: Warning, issue: bool, note: str = "") -> Warning:
    """A supervisor issues or dismisses a proposed warning; an issued one at
    the top of the ladder names the unit in a bulletin (R11(3))."""
    warning = (
        Warning.objects.select_for_update().select_related("unit", "person").get(pk=warning.pk)
    )
    _require_supervisor(actor, warning.unit)
    if warning.decision != Warning.Decision.PROPOSED:
        raise ValidationError(_("This warning has already been decided."))
    now = timezone.now()
    warning.decision = Warning.Decision.ISSUED if issue else Warning.Decision.DISMISSED
    warning.decided_by, warning.decided_at, warning.note = actor, now, note.strip()
    warning.save(update_fields=["decision", "decided_by", "decided_at", "note"])
    if issue:
        people = [warning.person] + ([warning.leader] if warning.leader else [])
        notify(
            people,
            None,
            f"效能告诫：{warning.unit.name} {warning.person.name}，{warning.get_reason_display()}",
        )
        if warning.level == Warning.Level.BULLETIN:
            BulletinEntry.objects.create(
                unit=warning.unit,
                kind=BulletinEntry.Kind.CRITICISM,
                text=f"{warning.unit.name}：效能告诫累计，予以通报批评",
                warning=warning,
                occurred_at=now,
            )
    return warning


# R10 ----------------------------------------------------------------------

CITY_BODIES = (Unit.Kind.EFFICIENCY_OFFICE, Unit.Kind.PETITION_BUREAU, Unit.Kind.INFO_CENTER)


def roster_recipients(unit: Unit) -> list[User]:
    """R10: a city unit's roster change goes to the city efficiency office,
    the city petition bureau and the e-government information center; a
    district unit's to its district's efficiency office and bureau, with
    copies to those three city bodies."""
    bodies = Q(level=Unit.Level.CITY, kind__in=CITY_BODIES)
    if unit.level == Unit.Level.DISTRICT:
        bodies |= Q(
            district=unit.district_id,
            kind__in=(Unit.Kind.EFFICIENCY_OFFICE, Unit.Kind.PETITION_BUREAU),
        )
    users = {
        g.user_id: g.user
        for g in RoleGrant.objects.filter(unit__in=Unit.objects.filter(bodies)).select_related(
            "user"
        )
    }
    return list(users.values())


def units_missing_roster():
    """R10: units that have not named a leader in charge or a handler."""
    with_leader = RoleGrant.objects.filter(role=Role.LEADER).values("unit")
    with_handler = RoleGrant.objects.filter(role=Role.HANDLER).values("unit")
    return Unit.objects.filter(is_active=True).filter(
        ~Q(pk__in=with_leader) | ~Q(pk__in=with_handler)
    )


# R12 ----------------------------------------------------------------------


@dataclass
class Score:
    unit: Unit
    read: float | None
    quality: float | None
    reply: float | None
    satisfaction: float | None
    score: float


def _rate(good: int, total: int) -> float | None:
    return good / total if total else None


# What a unit's score is made of (figures.UNIT measures).
SCORED = ("reads", "late_reads", "replies", "late_replies", "reviewed", "redone")
SCORED += ("rated", "satisfied")


def rank_weights(policy: Policy) -> dict[str, int]:
    return {
        "read": policy.rank_weight_read,
        "quality": policy.rank_weight_quality,
        "reply": policy.rank_weight_reply,
        "satisfaction": policy.rank_weight_satisfaction,
    }


def unit_score(counts: dict[str, int], weights: dict[str, int]) -> tuple[dict, float]:
    """R11, R12: a unit's rates (read and reply timeliness, handling quality
    as the first-review pass rate, public satisfaction; None without data)
    and their weighted score out of 100. A measure a unit has no data for
    is left out, the others weighing in proportion. The annual ranking and
    the bulletins' per-unit table both score with it."""
    rates = {
        "read": _rate(counts["reads"] - counts["late_reads"], counts["reads"]),
        "quality": _rate(counts["reviewed"] - counts["redone"], counts["reviewed"]),
        "reply": _rate(counts["replies"] - counts["late_replies"], counts["replies"]),
        "satisfaction": _rate(counts["satisfied"], counts["rated"]),
    }
    present = {k: v for k, v in rates.items() if v is not None}
    total = sum(weights[k] for k in present)
    score = sum(weights[k] * v for k, v in present.items()) / total if total else 0.0
    return rates, round(100 * score, 2)


def annual_ranking(year: int, units=None) -> list[Score]:
    """R12: units ranked by read timeliness, handling quality (first-review
    pass rate), reply timeliness and public satisfaction, weighted by the
    policy in force at the end of the year (unit_score)."""
    end = datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    weights = rank_weights(Policy.in_force(end - timedelta(seconds=1)))
    # The bulletins' and the dashboard's measures (figures.UNIT), so an
    # excused violation is on time here as there.
    totals = unit_totals(date(year, 1, 1), date(year, 12, 31), measures=SCORED)
    ids = {unit for name in ("reads", "replies", "reviewed", "rated") for unit in totals[name]}
    candidates = Unit.objects.filter(pk__in=ids)
    if units is not None:
        candidates = candidates.filter(pk__in=units)
    scores = []
    for unit in candidates:
        rates, score = unit_score({m: totals[m].get(unit.pk, 0) for m in SCORED}, weights)
        scores.append(Score(unit, **rates, score=score))
    return sorted(scores, key=lambda s: (-s.score, s.unit.name))


MAX_COMMENDED = 50


@transaction.atomic
def commend(*, actor: User, year: int, top: int) -> list[BulletinEntry]:
    """R12: once a year is over, the city efficiency office commends its
    best units in a bulletin, once."""
    city_office = Unit.objects.get(kind=Unit.Kind.EFFICIENCY_OFFICE, level=Unit.Level.CITY)
    _require_supervisor(actor, city_office)
    now = timezone.now()
    if year >= timezone.localdate(now).year:
        raise ValidationError(_("A year's units are commended once the year is over."))
    if not 1 <= top <= MAX_COMMENDED:
        raise ValidationError(
            {"top": _("Commend between 1 and %(n)d units.") % {"n": MAX_COMMENDED}}
        )
    # Serialised on the office's row: two supervisors at once commend once.
    Unit.objects.select_for_update(of=("self",)).filter(pk=city_office.pk).exists()
    if BulletinEntry.objects.filter(kind=BulletinEntry.Kind.COMMENDATION, year=year).exists():
        raise ValidationError(_("The units of %(year)s have been commended.") % {"year": year})
    return [
        BulletinEntry.objects.create(
            unit=s.unit,
            kind=BulletinEntry.Kind.COMMENDATION,
            text=f"{year}年度12345工作先进单位：{s.unit.name}（综合得分{s.score}）",
            occurred_at=now,
            year=year,
        )
        for s in annual_ranking(year)[:top]
    ]
