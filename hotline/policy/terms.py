"""The periods of the regulation as one value (R7, R8, D2, D6, R8.5, N2, N6, N10).

Pure Python. FUZHOU_2007 is the only place in the code where the Fuzhou
numbers stand; everything else reads a case's policy.
"""

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class PolicyTerms:
    # Working days unless the name says otherwise; 0 means the same day (D2).
    forward_days: int  # R5/D2: service center forwards to the city bureau
    dispatch_days: int  # R7: a bureau dispatches (city → department / district bureau → department)
    read_days: int  # R8.1: read and submit to the leader
    reply_days: int  # R8.2: reply, reading included
    unit_return_days: int  # R8.3a: a unit returns a case outside its duties
    district_return_days: int  # R8.3b: a district bureau asks the city bureau to take a case back
    city_decision_days: int  # R8.3b/D4: the city bureau answers that request
    review_days: int  # R8.4a: the bureau reviews a reply
    redo_days: int  # R8.4a: a unit redoes a reply sent back
    co_handler_lead_days: int  # D6: co-handler's contribution, before the lead's reply deadline
    repeat_threshold: int  # R8.5: timely replies after which a repeat may be declined
    # Supervision (R11, R12), counts rather than days.
    late_reads_for_warning: int  # R11(1): late reads by one person in a month → a warning
    escalate_to_leader_after: int  # R11(3): a unit's warnings in the window → its leader warned
    escalate_to_bulletin_after: int  # R11(3): … → the unit criticised in a bulletin as well
    escalation_window_months: int  # R11(3): how far back warnings count
    rank_weight_read: int  # R12: weights of the annual ranking, in percent
    rank_weight_quality: int
    rank_weight_reply: int
    rank_weight_satisfaction: int
    # N2, in calendar days: a unit is told this long before one of its
    # knowledge base articles is due for review.
    article_review_notice_days: int
    # N2, in calendar days: the review-by date a new article is offered,
    # counted from its effective date.
    article_valid_days: int
    # N6, working days: the bureau decides a unit's objection (a return).
    objection_decision_days: int
    # N10: requests about one matter or place within the window are a cluster.
    cluster_threshold: int
    cluster_window_hours: int
    # N10: one person asking about the same matter this many times.
    repeat_asker_threshold: int

    def __post_init__(self):
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"{f.name} cannot be negative")
        if self.co_handler_lead_days >= self.reply_days:
            raise ValueError("co_handler_lead_days must be shorter than reply_days")
        weights = (
            self.rank_weight_read,
            self.rank_weight_quality,
            self.rank_weight_reply,
            self.rank_weight_satisfaction,
        )
        if sum(weights) != 100:
            raise ValueError("the ranking weights must add up to 100")
        if not 0 < self.escalate_to_leader_after <= self.escalate_to_bulletin_after:
            raise ValueError("escalation steps must be positive and in order")


FUZHOU_2007 = PolicyTerms(
    forward_days=0,
    dispatch_days=1,
    read_days=2,
    reply_days=10,
    unit_return_days=2,
    district_return_days=1,
    city_decision_days=1,
    review_days=2,
    redo_days=3,
    co_handler_lead_days=3,
    repeat_threshold=3,
    late_reads_for_warning=3,
    escalate_to_leader_after=2,
    escalate_to_bulletin_after=3,
    escalation_window_months=12,
    rank_weight_read=20,
    rank_weight_quality=30,
    rank_weight_reply=25,
    rank_weight_satisfaction=25,
    article_review_notice_days=15,
    article_valid_days=365,
    objection_decision_days=1,
    cluster_threshold=10,
    cluster_window_hours=2,
    repeat_asker_threshold=3,
)

TERM_NAMES = tuple(f.name for f in fields(PolicyTerms))
