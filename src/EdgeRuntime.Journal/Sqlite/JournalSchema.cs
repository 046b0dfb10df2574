using System.Text.Json.Nodes;
using EdgeRuntime.Journal.Events;
using Microsoft.Data.Sqlite;

namespace EdgeRuntime.Journal.Sqlite;

/// <summary>
/// The journal's tables, created at open, and the migrations of journals written by earlier versions: a column
/// added later is added where missing; an outbox of MQTT messages (before events) becomes legacy events.
/// </summary>
internal static class JournalSchema
{
    public static void CreateOrMigrate(SqliteConnection connection)
    {
        JournalDatabase.Execute(connection, null, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS slides (
                id TEXT PRIMARY KEY,
                path TEXT NOT NULL,
                size INTEGER NOT NULL,
                state TEXT NOT NULL,
                reason TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                discovered_at TEXT NOT NULL,
                finished_at TEXT);
            CREATE INDEX IF NOT EXISTS slides_state ON slides(state, discovered_at);
            CREATE TABLE IF NOT EXISTS events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                correlation TEXT NOT NULL,
                data TEXT NOT NULL,
                at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS sinks (
                name TEXT PRIMARY KEY,
                delivered INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                pid INTEGER NOT NULL,
                started_at TEXT NOT NULL,
                stopped_at TEXT);
            """);
        AddColumnIfMissing(connection, "slides", "location", "TEXT");
        MigrateOutbox(connection);
    }

    private static void AddColumnIfMissing(SqliteConnection connection, string table, string column, string type)
    {
        using var check = connection.CreateCommand();
        check.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
        if ((long)check.ExecuteScalar()! == 0)
        {
            JournalDatabase.Execute(connection, null, $"ALTER TABLE {table} ADD COLUMN {column} {type}");
        }
    }

    // A journal written before events (an outbox of MQTT messages): its messages become legacy events that the
    // MQTT sink passes through as they were, in the same order, so an upgrade loses nothing that was queued.
    private static void MigrateOutbox(SqliteConnection connection)
    {
        using var check = connection.CreateCommand();
        check.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'outbox'";
        if ((long)check.ExecuteScalar()! == 0)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT topic, payload, retain, correlation FROM outbox ORDER BY seq";
        var legacy = new List<JournalEvent>();
        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                var data = new JsonObject { ["topic"] = reader.GetString(0), ["payload"] = reader.GetString(1), ["retain"] = reader.GetInt64(2) != 0 };
                legacy.Add(new JournalEvent(0, EventKinds.LegacyMqtt, reader.GetString(3), reader.GetString(3), data, DateTimeOffset.UtcNow));
            }
        }

        SqliteOutbox.Insert(connection, transaction, legacy);
        JournalDatabase.Execute(connection, transaction, "DROP TABLE outbox");
        transaction.Commit();
    }
}
