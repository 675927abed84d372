"""The knowledge base's review notice and validity (N2), with the default for policies
already in force."""

from django.db import migrations, models

from hotline.policy.terms import FUZHOU_2007


class Migration(migrations.Migration):
    dependencies = [("policy", "0005_help_texts_without_rule_ids")]
    operations = [
        migrations.AddField(
            model_name="policy",
            name="article_review_notice_days",
            field=models.PositiveSmallIntegerField(
                default=FUZHOU_2007.article_review_notice_days,
                help_text=(
                    "A unit is told this many calendar days before one of its knowledge base "
                    "articles is due for review."
                ),
                verbose_name="knowledge base review notice (days)",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="policy",
            name="article_valid_days",
            field=models.PositiveSmallIntegerField(
                default=FUZHOU_2007.article_valid_days,
                help_text=(
                    "A new article's review-by date is first offered this many calendar days "
                    "after its effective date."
                ),
                verbose_name="knowledge base article validity (days)",
            ),
            preserve_default=False,
        ),
    ]
