"""Objection review (N6) and early warning (N10), with the defaults for policies
already in force."""

from django.db import migrations, models

from hotline.policy.terms import FUZHOU_2007


def term(name, verbose_name, help_text):
    return migrations.AddField(
        model_name="policy",
        name=name,
        field=models.PositiveSmallIntegerField(
            default=getattr(FUZHOU_2007, name), help_text=help_text, verbose_name=verbose_name
        ),
        preserve_default=False,
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0006_knowledge_review_terms")]
    operations = [
        term(
            "objection_decision_days",
            "objection decision (working days)",
            "The bureau decides a unit's objection to a dispatch (a return).",
        ),
        term(
            "cluster_threshold",
            "early warning: requests in a cluster",
            "This many requests about one matter or place within the window warn.",
        ),
        term(
            "cluster_window_hours",
            "early warning: cluster window (hours)",
            "How far back requests count towards a cluster.",
        ),
        term(
            "repeat_asker_threshold",
            "early warning: one person's requests",
            "One person asking about the same matter this many times warns.",
        ),
    ]
