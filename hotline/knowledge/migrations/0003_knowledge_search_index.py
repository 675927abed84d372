"""Full-text index over ArticleVersion.search_text (see hotline.knowledge.search)."""

from django.db import migrations

POSTGRES = [
    "CREATE INDEX knowledge_articleversion_search_gin ON knowledge_articleversion "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))",
]
POSTGRES_UNDO = ["DROP INDEX IF EXISTS knowledge_articleversion_search_gin"]

SQLITE = [
    "CREATE VIRTUAL TABLE knowledge_articleversion_fts USING fts5("
    "search_text, content='knowledge_articleversion', content_rowid='id')",
    "CREATE TRIGGER knowledge_articleversion_fts_insert AFTER INSERT ON knowledge_articleversion "
    "BEGIN INSERT INTO knowledge_articleversion_fts(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER knowledge_articleversion_fts_delete AFTER DELETE ON knowledge_articleversion "
    "BEGIN INSERT INTO knowledge_articleversion_fts(knowledge_articleversion_fts, rowid, "
    "search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER knowledge_articleversion_fts_update AFTER UPDATE OF search_text "
    "ON knowledge_articleversion BEGIN "
    "INSERT INTO knowledge_articleversion_fts(knowledge_articleversion_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO knowledge_articleversion_fts(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS knowledge_articleversion_fts_insert",
    "DROP TRIGGER IF EXISTS knowledge_articleversion_fts_delete",
    "DROP TRIGGER IF EXISTS knowledge_articleversion_fts_update",
    "DROP TABLE IF EXISTS knowledge_articleversion_fts",
]


def run(statements):
    def apply(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_knowledge_field_names")]
    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            run({"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}),
        )
    ]
