"""The Fuzhou regulation's periods, in force from its date of issue (R13)."""

from dataclasses import asdict
from datetime import date

from django.db import migrations

from hotline.policy.terms import FUZHOU_2007


# The fields the policy had when this migration was written; later ones are
# filled in by the migrations that add them.
FIELDS = [
    "forward_days",
    "dispatch_days",
    "read_days",
    "reply_days",
    "unit_return_days",
    "district_return_days",
    "city_decision_days",
    "review_days",
    "redo_days",
    "co_handler_lead_days",
    "repeat_threshold",
]


def seed(apps, schema_editor):
    Policy = apps.get_model("policy", "Policy")
    terms = asdict(FUZHOU_2007)
    fields = [f.name for f in Policy._meta.get_fields()]
    Policy.objects.create(
        name="榕政办〔2007〕113号",
        effective_on=date(2007, 7, 4),
        **{name: value for name, value in terms.items() if name in fields},
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
