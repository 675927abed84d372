"""The Fuzhou regulation's periods, in force from its date of issue (R13)."""

from dataclasses import asdict
from datetime import date

from django.db import migrations

from hotline.policy.terms import FUZHOU_2007


def seed(apps, schema_editor):
    Policy = apps.get_model("policy", "Policy")
    Policy.objects.create(
        name="榕政办〔2007〕113号", effective_on=date(2007, 7, 4), **asdict(FUZHOU_2007)
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
