"""Full-text index over Case.search_text (see hotline.cases.search)."""

from django.db import migrations

POSTGRES = [
    "CREATE INDEX cases_case_search_gin ON cases_case "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))",
]
POSTGRES_UNDO = ["DROP INDEX IF EXISTS cases_case_search_gin"]

SQLITE = [
    "CREATE VIRTUAL TABLE cases_case_fts USING fts5("
    "search_text, content='cases_case', content_rowid='id')",
    "CREATE TRIGGER cases_case_fts_insert AFTER INSERT ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER cases_case_fts_delete AFTER DELETE ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER cases_case_fts_update AFTER UPDATE OF search_text ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO cases_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS cases_case_fts_insert",
    "DROP TRIGGER IF EXISTS cases_case_fts_delete",
    "DROP TRIGGER IF EXISTS cases_case_fts_update",
    "DROP TABLE IF EXISTS cases_case_fts",
]


def run(statements):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_involvement_and_search")]
    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            run({"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}),
        )
    ]
