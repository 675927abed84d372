"""Early warning (预警, N10): the worker looks at the requests of the last
hours and warns the city bureau's dispatchers and the efficiency office's
supervisors when requests cluster about one matter or place, when one person
has asked about the same matter again and again, or when a request contains
a watch word. A warning grows while its matter goes on (the cases join it),
so the same burst main is one warning, not one a minute.

Bounded: the job reads the cases received within the policy's cluster
window, the earlier cases of the people among them, the watch list and the
warnings those cases already belong to: a fixed number of statements
whatever the number of cases, then one write per warning raised or grown."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hotline.cases.masking import fold_text
from hotline.cases.models import Case, Category
from hotline.cases.publication import mask_for
from hotline.cases.repeats import SIMILARITY, normalise_phone, similarity, words
from hotline.notifications.outbox import notify
from hotline.organisation.models import District, Role, RoleGrant, Unit, User
from hotline.organisation.naming import districts_named
from hotline.policy.models import Policy

from .models import EarlyWarning, WatchWord

K = EarlyWarning.Kind

# Besides the phone and the ID number: what masking a request hides (D8).
REQUESTER_DETAILS = ("requester__name", "requester__email", "requester__address")

# A word found in more than this share of the window's cases (路, 小区…)
# says nothing about which matter a case is about.
COMMON_WORD_SHARE = 0.3


@dataclass
class Seen:
    """A case as the job reads it."""

    id: int
    content: str
    location: str
    category_id: int | None
    received_at: datetime
    policy_id: int
    phone: str
    id_number: str
    name: str = ""
    email: str = ""
    address: str = ""
    district_id: int | None = None
    words: frozenset = field(default_factory=frozenset)
    place: frozenset = field(default_factory=frozenset)


@dataclass
class Report:
    raised: int = 0
    grown: int = 0


def recipients() -> list[User]:
    """The city bureau's dispatchers and the city efficiency office's
    supervisors."""
    grants = RoleGrant.objects.filter(
        Q(role=Role.DISPATCHER, unit__kind=Unit.Kind.PETITION_BUREAU)
        | Q(role=Role.SUPERVISOR, unit__kind=Unit.Kind.EFFICIENCY_OFFICE),
        unit__level=Unit.Level.CITY,
        user__is_active=True,
    ).select_related("user")
    return list({g.user_id: g.user for g in grants}.values())


def may_act(user: User) -> bool:
    return user.is_active and any(u.pk == user.pk for u in recipients())


# What the job reads of a case, in Seen's order.
SEEN = (
    "id",
    "content",
    "location",
    "category_id",
    "received_at",
    "policy_id",
    "requester__phone",
    "requester__id_number",
)


def _read(since: datetime, until: datetime) -> list[Seen]:
    rows = Case.objects.filter(received_at__gt=since, received_at__lte=until).values_list(
        *SEEN, *REQUESTER_DETAILS
    )
    return [Seen(*row) for row in rows]


class _Groups:
    """Union-find over case ids."""

    def __init__(self, ids):
        self.parent = {i: i for i in ids}

    def find(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a, b):
        self.parent[self.find(a)] = self.find(b)

    def groups(self) -> list[list[int]]:
        found = defaultdict(list)
        for i in self.parent:
            found[self.find(i)].append(i)
        return list(found.values())


def _alike(a: frozenset, b: frozenset) -> bool:
    """As repeats.similarity reads two texts, on words already cut."""
    return bool(a and b) and len(a & b) / len(a | b) >= SIMILARITY


def clusters(seen: list[Seen]) -> list[list[Seen]]:
    """The window's cases grouped by matter or place: two cases are about
    one matter when they share the category and the district, or their
    words or their locations are as similar as a repeat's (D7). Pairs are
    compared only when they share a word, through an index of words."""
    by_id = {s.id: s for s in seen}
    groups = _Groups(by_id)
    matters = {}
    for s in seen:
        if s.category_id is not None and s.district_id is not None:
            key = (s.category_id, s.district_id)
            if key in matters:
                groups.join(s.id, matters[key])
            else:
                matters[key] = s.id
    index = defaultdict(list)
    for s in seen:
        for w in s.words | s.place:
            index[w].append(s.id)
    limit = max(2, COMMON_WORD_SHARE * len(seen))
    compared = set()
    for ids in index.values():
        if len(ids) > limit:
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if (a, b) in compared or groups.find(a) == groups.find(b):
                    continue
                compared.add((a, b))
                x, y = by_id[a], by_id[b]
                if _alike(x.words, y.words) or _alike(x.place, y.place):
                    groups.join(a, b)
    return [[by_id[i] for i in g] for g in groups.groups()]


def _identity(s: Seen) -> str:
    phone = normalise_phone(s.phone)
    return f"phone:{phone}" if phone else (f"id:{s.id_number}" if s.id_number else "")


def _masked_phone(s: Seen) -> str:
    phone = normalise_phone(s.phone)
    return _("caller ending %(tail)s") % {"tail": phone[-4:]} if phone else _("the same person")


def _masked(s: Seen, text: str) -> str:
    """`text` of the request `s` as masked roles read it (D8): the efficiency
    office's supervisors see a warning's words and notice."""
    return mask_for(s)(text)


def _matter_words(cases: list[Seen], categories, districts) -> str:
    newest = max(cases, key=lambda s: s.received_at)
    parts = [categories.get(newest.category_id, ""), districts.get(newest.district_id, "")]
    place = _masked(newest, newest.location) or "、".join(
        sorted(words(_masked(newest, newest.content)), key=lambda w: (-len(w), w))[:3]
    )
    parts.append(place)
    return " · ".join(p for p in parts if p)[:300]


@transaction.atomic
def raise_early_warnings(now: datetime | None = None) -> Report:
    """N10: raise and grow the warnings the last hours call for. Safe to run
    twice: a case already in a warning of a kind does not raise another."""
    now = now or timezone.now()
    policies = {p.pk: p for p in Policy.objects.all()}
    current = Policy.in_force(now)
    window = timedelta(hours=max(p.cluster_window_hours for p in policies.values()))
    seen = _read(now - window, now)
    if not seen:
        return Report()
    district_names = dict(District.objects.values_list("name", "pk"))
    for s in seen:
        named = districts_named(f"{s.location} {s.content}", district_names)
        s.district_id = district_names[min(named)] if len(named) == 1 else None
        s.words, s.place = words(s.content), words(s.location)
    existing = defaultdict(dict)  # kind -> case id -> warning id
    for kind, warning_id, case_id in EarlyWarning.cases.through.objects.filter(
        case_id__in=[s.id for s in seen]
    ).values_list("earlywarning__kind", "earlywarning_id", "case_id"):
        existing[kind][case_id] = warning_id
    categories = dict(Category.objects.values_list("pk", "name"))
    districts = {pk: name for name, pk in district_names.items()}
    report = Report()
    pending: list[tuple[str, list[Seen], str, dict]] = []

    # Requests clustering: the policy of the newest case of the group says
    # how many within how many hours.
    for group in clusters(seen):
        newest = max(group, key=lambda s: s.received_at)
        policy = policies.get(newest.policy_id, current)
        recent = [
            s
            for s in group
            if s.received_at > newest.received_at - timedelta(hours=policy.cluster_window_hours)
        ]
        if len(recent) >= policy.cluster_threshold or any(
            c.id in existing[K.CLUSTER] for c in group
        ):
            pending.append(
                (
                    K.CLUSTER,
                    group,
                    _matter_words(group, categories, districts),
                    {"category_id": newest.category_id, "district_id": newest.district_id},
                )
            )

    # One person, the same matter, again and again (D7's likely repeats).
    pending += _repeat_askers(seen, policies, current)

    # Watch words: one warning per case, naming the words it contains.
    watch = [
        (w, _spelled(w))
        for w in WatchWord.objects.filter(is_active=True).values_list("word", flat=True)
    ]
    for s in seen:
        content = _spelled(s.content)
        found = [w for w, spelled in watch if spelled and spelled in content]
        if found and s.id not in existing[K.WATCH_WORD]:
            pending.append((K.WATCH_WORD, [s], "、".join(found), {"key": f"watch:{s.id}"}))

    for kind, group, about, extra in pending:
        grown = _raise(kind, group, about, extra, existing[kind], now)
        if grown is True:
            report.grown += 1
        elif grown is False:
            report.raised += 1
    return report


def _spelled(text: str) -> str:
    """A text as a watch word is looked for in it: full-width forms, case,
    invisible characters and spaces make no difference (ＰＸ is px, 跳 楼 is 跳楼)."""
    return "".join(fold_text(text).split())


def _repeat_askers(seen: list[Seen], policies, current) -> list:
    """N10: the people among the window's requesters who have asked about
    the same matter (similar words, as D7 reads a repeat) the policy's
    number of times or more, counting their earlier cases too."""
    identities = {}
    for s in seen:
        identity = _identity(s)
        if identity:
            identities.setdefault(identity, []).append(s)
    if not identities:
        return []
    phones = {s.phone for group in identities.values() for s in group if s.phone}
    ids = {s.id_number for group in identities.values() for s in group if s.id_number}
    who = Q(requester__phone__in=phones) | Q(requester__id_number__in=ids)
    earlier = defaultdict(list)
    for row in (
        Case.objects.filter(who)
        .exclude(pk__in=[s.id for s in seen])
        .order_by("-received_at")
        .values_list(*SEEN, *REQUESTER_DETAILS)[: 200 * len(identities)]
    ):
        s = Seen(*row)
        earlier[_identity(s)].append(s)
    found = []
    for identity, recent in identities.items():
        every = [*recent, *earlier.get(identity, [])]
        covered = set()
        # Newest first: each of the person's matters once, as its newest
        # request reads it.
        for newest in sorted(recent, key=lambda s: s.received_at, reverse=True):
            if newest.id in covered:
                continue
            threshold = policies.get(newest.policy_id, current).repeat_asker_threshold
            same = [s for s in every if similarity(s.content, newest.content) >= SIMILARITY]
            covered.update(s.id for s in same)
            if len(same) >= threshold:
                found.append(
                    (
                        K.REPEAT_ASKER,
                        same,
                        f"{_masked_phone(newest)} · {_masked(newest, newest.content)[:40]}",
                        {"category_id": newest.category_id},
                    )
                )
    return found


def _raise(kind, group: list[Seen], about: str, extra: dict, known: dict, now) -> bool | None:
    """Add the group's cases to the warning any of them is in already
    (True), or raise a new one (False); None when nothing changed."""
    ids = {s.id for s in group}
    warning_ids = {known[i] for i in ids if i in known}
    new = ids - set(known)
    if warning_ids:
        warning = EarlyWarning.objects.filter(pk__in=warning_ids).order_by("raised_at").first()
        if not new:
            return None
        warning.cases.add(*new)
        warning.updated_at = now
        warning.save(update_fields=["updated_at"])
        for i in new:
            known[i] = warning.pk
        _tell(warning, len(ids), grown=True)
        return True
    warning = EarlyWarning.objects.create(
        kind=kind, about=about, raised_at=now, updated_at=now, **extra
    )
    warning.cases.add(*ids)
    for i in ids:
        known[i] = warning.pk
    _tell(warning, len(ids), grown=False)
    return False


def _tell(warning: EarlyWarning, count: int, *, grown: bool) -> None:
    with translation.override("zh-hans"):
        kind = str(K(warning.kind).label)
        if grown:
            text = _("Early warning grows (%(kind)s): %(about)s, %(count)s requests.")
        else:
            text = _("Early warning (%(kind)s): %(about)s, %(count)s requests.")
        text = text % {"kind": kind, "about": warning.about, "count": count}
    # One notice per warning and person for raising it, one for each growth
    # step would flood them: growing tells once per hour.
    bucket = warning.updated_at.strftime("%Y%m%d%H") if grown else "raised"
    notify(recipients(), None, text, dedupe=f"early-warning:{warning.pk}:{bucket}")


# The verbs on a warning ------------------------------------------------------


def _locked(warning: EarlyWarning) -> EarlyWarning:
    return EarlyWarning.objects.select_for_update().get(pk=warning.pk)


def _require(actor: User) -> None:
    if not may_act(actor):
        raise PermissionDenied(
            _(
                "Only the city bureau's dispatchers and the efficiency office's "
                "supervisors may do this."
            )
        )


@transaction.atomic
def acknowledge_early_warning(*, actor: User, warning: EarlyWarning, note: str) -> EarlyWarning:
    """N10: someone of the bureau or the office has seen the warning and
    says what is being done."""
    _require(actor)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say what is being done about it."))
    warning = _locked(warning)
    if warning.acknowledged_at is not None:
        raise ValidationError(_("This warning has already been acknowledged."))
    warning.acknowledged_by, warning.acknowledged_at = actor, timezone.now()
    warning.acknowledgement = note[:2000]
    warning.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement"])
    return warning


@transaction.atomic
def mark_for_follow_up(*, actor: User, warning: EarlyWarning, note: str = "") -> EarlyWarning:
    """N10: a high-frequency matter taken up for planned follow-up (每月一题)."""
    _require(actor)
    warning = _locked(warning)
    if warning.follow_up_at is not None:
        raise ValidationError(_("This matter is already marked for planned follow-up."))
    warning.follow_up_by, warning.follow_up_at = actor, timezone.now()
    warning.follow_up_note = (note or "").strip()[:2000]
    warning.save(update_fields=["follow_up_by", "follow_up_at", "follow_up_note"])
    return warning


@transaction.atomic
def keep_watch_word(*, actor: User, word: str, note: str = "", active: bool = True) -> WatchWord:
    """N10: add a word to the watch list, or change its note or whether it
    is watched."""
    _require(actor)
    word = (word or "").strip()
    if not word:
        raise ValidationError(_("Give the word to watch for."))
    if len(word) > 50:
        raise ValidationError(_("A watch word has at most 50 characters."))
    row, _created = WatchWord.objects.select_for_update().get_or_create(
        word=word, defaults={"added_by": actor}
    )
    row.note, row.is_active = (note or "").strip()[:200], active
    row.save(update_fields=["note", "is_active"])
    return row
