using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.Journal.Events;
using Microsoft.Data.Sqlite;

namespace EdgeRuntime.Journal;

// The outbox: events queued in the same transactions as the slide states they report, drained by each sink's cursor.
public sealed partial class SlideJournal
{
    /// <summary>Queues events that report no slide's state change (plugin changes; metrics are not queued: they are only current).</summary>
    public void Enqueue(IEnumerable<JournalEvent> messages) => Guarded(() =>
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Enqueue(connection, transaction, messages);
        transaction.Commit();
    });

    /// <summary>
    /// Makes <paramref name="sinks"/> the sinks in use: a new one starts with every event still in the outbox; one no
    /// longer in use stops holding events back.
    /// </summary>
    public void UseSinks(IEnumerable<string> sinks) => Guarded(() =>
    {
        ArgumentNullException.ThrowIfNull(sinks);
        var names = sinks.ToList();
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using (var list = connection.CreateCommand())
        {
            list.Transaction = transaction;
            list.CommandText = "SELECT name FROM sinks";
            var known = new List<string>();
            using (var reader = list.ExecuteReader())
            {
                while (reader.Read())
                {
                    known.Add(reader.GetString(0));
                }
            }

            foreach (var gone in known.Except(names, StringComparer.Ordinal))
            {
                Execute(connection, transaction, "DELETE FROM sinks WHERE name = $name", ("$name", gone));
            }
        }

        foreach (var name in names)
        {
            Execute(connection, transaction, "INSERT OR IGNORE INTO sinks (name, delivered) VALUES ($name, 0)", ("$name", name));
        }

        Prune(connection, transaction);
        transaction.Commit();
    });

    /// <summary>The oldest <paramref name="count"/> events that <paramref name="sink"/> has not delivered.</summary>
    public IReadOnlyList<JournalEvent> PeekOutbox(string sink, int count) => Guarded(() =>
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT seq, kind, subject, correlation, data, at FROM events
            WHERE seq > IFNULL((SELECT delivered FROM sinks WHERE name = $sink), 0)
            ORDER BY seq LIMIT $n
            """;
        command.Parameters.AddWithValue("$sink", sink);
        command.Parameters.AddWithValue("$n", count);
        using var reader = command.ExecuteReader();
        var result = new List<JournalEvent>();
        while (reader.Read())
        {
            result.Add(new JournalEvent(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                JsonNode.Parse(reader.GetString(4)) as JsonObject ?? [],
                DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture)));
        }

        return result;
    });

    /// <summary>Records that <paramref name="sink"/> delivered every event up to <paramref name="sequence"/>; events every sink has are forgotten.</summary>
    public void Acknowledge(string sink, long sequence) => Guarded(() =>
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "INSERT INTO sinks (name, delivered) VALUES ($sink, $seq) ON CONFLICT(name) DO UPDATE SET delivered = MAX(delivered, $seq)", ("$sink", sink), ("$seq", sequence));
        Prune(connection, transaction);
        transaction.Commit();
    });

    /// <summary>Events not yet delivered by every sink in use.</summary>
    public long OutboxLength() => Guarded(() =>
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM events";
        return (long)command.ExecuteScalar()!;
    });

    /// <summary>For each sink in use, the events it has not yet delivered.</summary>
    public IReadOnlyDictionary<string, long> OutboxLengths()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT s.name, (SELECT COUNT(*) FROM events e WHERE e.seq > s.delivered) FROM sinks s ORDER BY s.name";
        using var reader = command.ExecuteReader();
        var lengths = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            lengths[reader.GetString(0)] = reader.GetInt64(1);
        }

        return lengths;
    }

    private static void Enqueue(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<JournalEvent> events)
    {
        foreach (var e in events)
        {
            Execute(connection, transaction, "INSERT INTO events (kind, subject, correlation, data, at) VALUES ($kind, $subject, $correlation, $data, $at)",
                ("$kind", e.Kind), ("$subject", e.Subject), ("$correlation", e.Correlation), ("$data", PayloadJson.Write(e.Data)), ("$at", e.At.ToString("O", CultureInfo.InvariantCulture)));
        }
    }

    // Events every sink in use has delivered. With no sink in use (a journal only read by `edgert status`), none.
    private static void Prune(SqliteConnection connection, SqliteTransaction transaction) =>
        Execute(connection, transaction, "DELETE FROM events WHERE EXISTS (SELECT 1 FROM sinks) AND seq <= (SELECT MIN(delivered) FROM sinks)");

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

        Enqueue(connection, transaction, legacy);
        Execute(connection, transaction, "DROP TABLE outbox");
        transaction.Commit();
    }
}
