"""Cases, their parts and assignments, replies, clocks and history (R2–R9)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hotline.calendar.services import CALENDAR, database_calendar
from hotline.history import History
from hotline.organisation.models import Unit
from hotline.policy.models import Policy
from hotline.reference.revisions import NOT_READ

from .workflow import AssignmentState, CaseState, PartState


class Category(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    suggested_units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("suggested units")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


class RequestType(models.Model):
    """N1: what a request is (咨询, 求助, 投诉, 举报, 建议, 表扬). The list is
    data; only a type that `answers_directly` (consultation) may be answered
    from the knowledge base on the call (N3)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=20, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    answers_directly = models.BooleanField(
        _("may be answered directly"),
        default=False,
        help_text=_("A request of this type may be answered from a knowledge base article."),
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("request type")
        verbose_name_plural = _("request types")

    def __str__(self):
        return self.name


class Channel(models.TextChoices):
    PHONE = "phone", _("phone")
    FAX = "fax", _("fax")
    SMS = "sms", _("SMS")
    WEB = "web", _("web")
    EMAIL = "email", _("email")
    API = "api", _("API")


class RefusalReason(models.IntegerChoices):
    """R3 (1)–(9)."""

    UNLAWFUL = 1, _("breaks the constitution or laws")
    SUBVERSION = 2, _("incites subversion")
    RUMOUR = 3, _("fabricates facts or spreads rumours")
    SLANDER = 4, _("insults or slanders others")
    OUTSIDE_JURISDICTION = 5, _("outside the city's jurisdiction")
    IN_LITIGATION = 6, _("in litigation, administrative reconsideration or arbitration")
    UNIT_NOT_CONNECTED = 7, _("concerns a unit not yet connected to the system")
    EMERGENCY = 8, _("an emergency: call 110, 122 or another emergency line")
    NOT_ADMINISTRATION = 9, _("not a matter of public administration")


class InternalReason(models.IntegerChoices):
    """R6 (1)–(4)."""

    DISCIPLINE = 1, _("reports violations by party members or officials")
    EFFICIENCY = 2, _("reports the work efficiency of officials")
    BUREAU_JUDGEMENT = 3, _("may differ greatly from the facts, or the bureau so judges")
    REQUESTER_CHOICE = 4, _("the requester chose not to have it handled publicly")


class HandlingMode(models.TextChoices):
    UNDECIDED = "undecided", _("not yet classified")
    PUBLIC = "public", _("public handling")
    INTERNAL = "internal", _("internal handling")


class Requester(models.Model):
    """Who submitted a case, as they gave it. One row per case: identity for
    repeats (D7) is matched on the normalised phone and ID number."""

    class Kind(models.TextChoices):
        PERSON = "person", _("individual")
        ORGANISATION = "organisation", _("organisation or legal person")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=30, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("requester")
        verbose_name_plural = _("requesters")
        # The staff's search by name (hotline.cases.filters); equality only,
        # so a plain b-tree (no pattern index beside it).
        indexes = [models.Index(fields=["name"], name="requester_name")]

    def __str__(self):
        return self.name or self.phone or str(self.pk)


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    requester = models.OneToOneField(
        Requester, on_delete=models.PROTECT, related_name="case", verbose_name=_("requester")
    )
    content = models.TextField(_("content"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("category"),
    )
    request_type = models.ForeignKey(
        RequestType,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("request type"),
    )
    # N3: the knowledge base article version a direct answer cited; such a
    # case is closed at registration and never forwarded or dispatched.
    answered_with = models.ForeignKey(
        "knowledge.ArticleVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("answered with article"),
    )
    disclosure_allowed = models.BooleanField(
        _("requester allows publication"),
        help_text=_("The requester's choice whether the case may be handled publicly."),
    )
    received_at = models.DateTimeField(_("received at"), db_index=True)
    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="cases", verbose_name=_("policy")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=[(s.value, s.value) for s in CaseState]
    )
    handling_mode = models.CharField(
        _("handling mode"),
        max_length=10,
        choices=HandlingMode.choices,
        default=HandlingMode.UNDECIDED,
    )
    internal_reason = models.PositiveSmallIntegerField(
        _("internal handling reason"), choices=InternalReason.choices, null=True, blank=True
    )
    refusal_reason = models.PositiveSmallIntegerField(
        _("refusal reason"), choices=RefusalReason.choices, null=True, blank=True
    )
    city_final_review = models.BooleanField(
        _("city bureau final review"),
        default=False,
        help_text=_("Major or sensitive, or reserved by the city bureau."),
    )
    flag_overdue = models.BooleanField(_("overdue handling"), default=False)
    flag_lapsed = models.BooleanField(_("lapsed unhandled"), default=False)
    flag_repeat = models.BooleanField(_("likely repeat"), default=False)
    declined_timely_replies = models.PositiveSmallIntegerField(
        _("timely replies when declined"), null=True, blank=True
    )
    result = models.TextField(_("result"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)
    satisfaction = models.CharField(
        _("satisfaction"),
        max_length=20,
        blank=True,
        choices=[
            ("satisfied", _("satisfied")),
            ("basically_satisfied", _("basically satisfied")),
            ("dissatisfied", _("dissatisfied")),
        ],
    )
    # N4: a case merged into a lead follows it (one dispatch, one handling,
    # one reply) and is closed with its result.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
        verbose_name=_("merged into"),
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged by"),
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # The case's words, segmented by rjieba and joined by spaces, for
    # full-text search (see hotline.cases.search).
    search_text = models.TextField(blank=True, editable=False)
    # The requester's private query code (D8: a case number alone shows
    # nothing), kept as a salted hash; the code itself is shown once.
    query_code_hash = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["state", "received_at"]),
            # The public list, newest first (R9): only what is published.
            models.Index(
                fields=["-closed_at", "-id"],
                condition=Q(state="closed", published=True, handling_mode="public"),
                name="case_published_newest",
            ),
        ]

    def __str__(self):
        return self.number

    def working_calendar(self):
        """The working-day calendar; a verb that locked the case read the
        calendar's revision in the same statement (hotline.reference)."""
        revisions = getattr(self, "reference_revisions", {})
        return database_calendar(revisions.get(CALENDAR.name, NOT_READ))


class Involvement(models.Model):
    """A unit that has taken part in a case: who may see it (the service
    center that registered it, units it was dispatched to, district bureaus
    it was passed to, general offices it was escalated to)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="involvements")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="involvements")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "case"], name="one_involvement_per_unit")
        ]

    def __str__(self):
        return f"{self.unit} · {self.case}"


class CaseNumberCounter(models.Model):
    """The last sequence number given out per local day."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.day.isoformat()}: {self.last}"


class Attachment(models.Model):
    """A file of a case: the requester's (a scanned fax, a photo), or a
    handling unit's photo for its reply (R8.2). A unit's photo names its
    assignment; it belongs to the reply once the reply is submitted, and
    until then to the unit's saved draft."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    assignment = models.ForeignKey(
        "Assignment", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    reply = models.ForeignKey(
        "Reply", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class Part(models.Model):
    """One matter of a case, handled by its own unit or units (R8.7)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveSmallIntegerField(_("part number"))
    description = models.TextField(_("description"), blank=True)
    holder_bureau = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="held_parts",
        verbose_name=_("bureau in charge"),
        help_text=_("The bureau that dispatches this part and reviews its reply."),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=[(s.value, s.value) for s in PartState]
    )
    received_at = models.DateTimeField(_("received by the bureau at"))

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="part_number_per_case")
        ]
        # A bureau's parts waiting on it (its dispatcher's and reviewer's queues).
        indexes = [models.Index(fields=["holder_bureau", "state"], name="part_bureau_state")]
        verbose_name = _("part")
        verbose_name_plural = _("parts")

    def __str__(self):
        return f"{self.case.number}-{self.number}"


class Assignment(models.Model):
    class AssignmentRole(models.TextChoices):
        SOLE = "sole", _("sole unit")
        LEAD = "lead", _("lead unit")
        CO = "co", _("co-handling unit")

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="assignments")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=10, choices=AssignmentRole.choices)
    dispatched_by = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("dispatched by")
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), db_index=True)
    # What the bureau wrote the unit when it dispatched (批转意见, issue 15).
    dispatch_instruction = models.TextField(_("dispatch instruction"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=[(s.value, s.value) for s in AssignmentState]
    )
    state_before_return = models.CharField(max_length=20, blank=True)
    return_rejected = models.BooleanField(_("return rejected"), default=False)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("read by"),
    )
    instruction = models.TextField(_("leader's instruction"), blank=True)
    contribution = models.TextField(_("contribution"), blank=True)
    redo_count = models.PositiveSmallIntegerField(_("redo count"), default=0)
    flag_lapsed = models.BooleanField(_("lapsed unhandled"), default=False)
    # The handler's reply saved but not yet submitted to the leader (R8.2):
    # the form's fields and the ids of its photos; emptied on submission.
    reply_draft = models.JSONField(_("saved reply draft"), default=dict, blank=True)

    class Meta:
        ordering = ["part", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self):
        return f"{self.part} → {self.unit}"


class Reply(models.Model):
    """A sole or lead unit's reply; a redo is a new reply (R8.2, R8.4a)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="replies")
    content = models.TextField(_("what was done"))
    remaining_problems = models.TextField(_("remaining problems"), blank=True)
    measures = models.TextField(_("measures or proposals"), blank=True)
    recommend_nonpublication = models.BooleanField(_("recommend not publishing"), default=False)
    nonpublication_reason = models.TextField(_("reason for not publishing"), blank=True)
    is_redo = models.BooleanField(default=False)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True)
    reviewing_bureau = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, related_name="+"
    )
    review_decision = models.CharField(
        max_length=10, blank=True, choices=[("approved", _("approved")), ("redo", _("redo"))]
    )
    review_reasons = models.TextField(_("review reasons"), blank=True)
    nonpublication_agreed = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, db_index=True)

    class Meta:
        ordering = ["assignment", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self):
        return f"{self.assignment} #{self.pk}"


class ReplyTemplate(models.Model):
    """A unit's reusable wording for the three parts of a reply (R8.2),
    kept by its handlers and leaders; the reply form offers them."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="reply_templates", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=100)
    content = models.TextField(_("what was done"))
    remaining_problems = models.TextField(_("remaining problems"), blank=True)
    measures = models.TextField(_("measures or proposals"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["unit", "title", "id"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")

    def __str__(self):
        return self.title


class ReturnRequest(models.Model):
    """A unit's return (R8.3a) or a district bureau's request that the city
    take a case back (R8.3b)."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("return by a unit")
        TAKE_BACK = "take_back", _("district asks the city to take back")

    class Decision(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        LAPSED = "lapsed", _("lapsed")
        MOOT = "moot", _("no longer needed")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="return_requests")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, related_name="return_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    reason = models.TextField(_("reason"))
    suggested_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    decision_note = models.TextField(blank=True)

    def __str__(self):
        return f"{self.get_kind_display()} {self.part}"


class Escalation(models.Model):
    """A difficult case sent to the general office's leader in charge (R8.8)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    summary = models.TextField(_("summary"))
    main_recipient = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    copy_recipients = models.ManyToManyField(Unit, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    outcome = models.TextField(_("coordinated outcome"), blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.case} → {self.main_recipient}"


class Clock(models.Model):
    """A deadline (D3). `met_at`, `breached_at` and `cancelled_at` are each
    written once: the first when the duty is done (late or not), the second
    when the due time passes with the duty undone, the third when the duty
    falls away (a withdrawn assignment)."""

    class Kind(models.TextChoices):
        FORWARD = "forward", _("forward")
        DISPATCH = "dispatch", _("dispatch")
        READ = "read", _("read")
        REPLY = "reply", _("reply")
        CONTRIBUTION = "contribution", _("contribution")
        RETURN_DECISION = "return_decision", _("return decision")
        OBJECTION_DECISION = "objection_decision", _("objection decision")
        REVIEW = "review", _("review")
        REDO = "redo", _("redo")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clocks")
    part = models.ForeignKey(Part, on_delete=models.CASCADE, null=True, related_name="clocks")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, related_name="clocks"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="clocks", verbose_name=_("responsible unit")
    )
    working_days = models.SmallIntegerField(_("working days"))
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    provisional = models.BooleanField(_("provisional"), default=False)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        indexes = [
            # Bulletins and dashboards count the clocks due in a period.
            models.Index(fields=["due_at", "unit"], name="clock_due_unit"),
            # breach_due_clocks reads only the due ones through this index.
            models.Index(
                fields=["due_at"],
                name="clock_running_due",
                condition=Q(
                    met_at__isnull=True, breached_at__isnull=True, cancelled_at__isnull=True
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_at:%Y-%m-%d %H:%M}"


class Violation(models.Model):
    """A late read, a lapsed reply or overdue handling, against a unit and
    its responsible person (R11, D5)."""

    class Kind(models.TextChoices):
        LATE_READ = "late_read", _("late read")
        LAPSED = "lapsed", _("lapsed unhandled")
        OVERDUE = "overdue", _("overdue handling")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="violations")
    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, null=True, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="violations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="violations"
    )
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    # D5, R11(2): a cause that was not human (force majeure, system failure)
    excused_at = models.DateTimeField(_("excused at"), null=True, blank=True)
    excused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    excuse_reason = models.TextField(_("excuse reason"), blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "kind"], name="one_violation_per_clock_and_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.unit} {self.case}"


class Event(History):
    """Append-only history: the case timeline is its events."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    part = models.ForeignKey(Part, on_delete=models.CASCADE, null=True, related_name="+")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("at"))
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        # The latest event that publishes or withdraws a case: what the
        # public pages are kept in the cache under (cases/publication.py).
        indexes = [
            models.Index(
                fields=["id"],
                condition=Q(action__in=("close", "reopen")),
                name="event_publishing",
            )
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class SuggestionModel(models.Model):
    """A dispatch-suggestion model trained on closed cases
    (hotline.cases.learning), stored where every web process can load it;
    the newest is the one in use."""

    trained_at = models.DateTimeField(_("trained at"), db_index=True)
    cases = models.PositiveIntegerField(_("cases learned from"))
    seconds = models.FloatField(_("training seconds"))
    metadata = models.JSONField(_("details"), default=dict, blank=True)
    data = models.BinaryField()

    class Meta:
        ordering = ["-trained_at", "-id"]
        verbose_name = _("suggestion model")
        verbose_name_plural = _("suggestion models")

    def __str__(self):
        return f"{self.trained_at:%Y-%m-%d %H:%M} ({self.cases})"
