"""Supervision thresholds and ranking weights (R11, R12), with the Fuzhou
values for policies already in force."""

from django.db import migrations, models

from hotline.policy.terms import FUZHOU_2007

NEW = [
    ("late_reads_for_warning", "late reads for a warning"),
    ("escalate_to_leader_after", "warnings before the leader is warned"),
    ("escalate_to_bulletin_after", "warnings before a bulletin"),
    ("escalation_window_months", "escalation window (months)"),
    ("rank_weight_read", "ranking weight: read timeliness (%)"),
    ("rank_weight_quality", "ranking weight: handling quality (%)"),
    ("rank_weight_reply", "ranking weight: reply timeliness (%)"),
    ("rank_weight_satisfaction", "ranking weight: public satisfaction (%)"),
]


class Migration(migrations.Migration):
    dependencies = [("policy", "0002_fuzhou_policy")]
    operations = [
        migrations.AddField(
            model_name="policy",
            name=name,
            field=models.PositiveSmallIntegerField(
                default=getattr(FUZHOU_2007, name), verbose_name=label
            ),
            preserve_default=False,
        )
        for name, label in NEW
    ]
