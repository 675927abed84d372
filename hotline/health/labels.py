"""What each background job is called in the administrators' language."""

from django.utils.translation import gettext as _


def label(name: str) -> str:
    labels = {
        "hotline.cases.tasks.watch_clocks": _("deadline watch"),
        "hotline.cases.tasks.watch_clocks_now": _("deadline watch at worker start"),
        "hotline.cases.tasks.morning_summary": _("morning summary of deadlines"),
        "hotline.cases.tasks.train_suggestions_nightly": _(
            "nightly training of dispatch suggestions"
        ),
        "hotline.supervision.tasks.propose_warnings_nightly": _("nightly warning proposals"),
        "hotline.knowledge.tasks.flag_article_reviews": _("knowledge base review dates"),
        "hotline.notifications.tasks.deliver_message": _("message delivery"),
        "hotline.notifications.tasks.deliver_due_messages": _("message retries"),
        "hotline.notifications.tasks.deliver_due_now": _("message retries at worker start"),
        "hotline.supervision.tasks.settle_figures": _("daily figures"),
        "hotline.supervision.tasks.watch_for_early_warnings": _("early warnings"),
        "hotline.supervision.tasks.settle_figures_now": _("daily figures at worker start"),
        "hotline.api.tasks.forget_expired_idempotency_keys": _(
            "clearing expired API request records"
        ),
    }
    return labels.get(name, _("a background job"))
