from django.db import migrations, models


def number_earlier_bulletins(apps, schema_editor):
    """Bulletins published before document numbers: each office's in the
    order they were published, in a series that continues from them."""
    Bulletin = apps.get_model("supervision", "Bulletin")
    DocumentSeries = apps.get_model("supervision", "DocumentSeries")
    for bulletin in Bulletin.objects.select_related("office", "office__district").order_by(
        "published_at", "id"
    ):
        office = bulletin.office
        district = office.district if office.level == "district" else None
        year = bulletin.published_at.year
        series, _ = DocumentSeries.objects.get_or_create(
            office=office,
            year=year,
            defaults={"prefix": f"{district.name[0] if district else '榕'}12345通"},
        )
        series.last += 1
        series.save()
        bulletin.area = f"district-{district.pk}" if district else "city"
        bulletin.number = f"{series.prefix}〔{year}〕{series.last}号"
        bulletin.save()


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0001_initial"),
        ("supervision", "0006_commendation_year"),
    ]

    operations = [
        migrations.CreateModel(
            name="DocumentSeries",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "prefix",
                    models.CharField(
                        help_text="The office's code before the year, e.g. 榕12345通.",
                        max_length=30,
                        verbose_name="prefix",
                    ),
                ),
                ("last", models.PositiveIntegerField(default=0, verbose_name="last number given")),
                (
                    "office",
                    models.ForeignKey(
                        on_delete=models.deletion.PROTECT, related_name="+", to="organisation.unit"
                    ),
                ),
            ],
            options={
                "verbose_name": "document number series",
                "verbose_name_plural": "document number series",
                "constraints": [
                    models.UniqueConstraint(fields=("office", "year"), name="one_series_per_office_and_year")
                ],
            },
        ),
        migrations.AddField(
            model_name="bulletin", name="area", field=models.CharField(default="", max_length=30), preserve_default=False
        ),
        migrations.AddField(
            model_name="bulletin",
            name="number",
            field=models.CharField(max_length=50, null=True, verbose_name="document number"),
        ),
        migrations.RunPython(number_earlier_bulletins, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="bulletin",
            name="number",
            field=models.CharField(max_length=50, unique=True, verbose_name="document number"),
        ),
        migrations.RemoveConstraint(model_name="bulletin", name="one_bulletin_per_period"),
        migrations.AddConstraint(
            model_name="bulletin",
            constraint=models.UniqueConstraint(
                fields=("area", "period_start", "period_end"), name="one_bulletin_per_area_and_period"
            ),
        ),
    ]
