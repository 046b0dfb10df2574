using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Outbox;
using Microsoft.Data.Sqlite;

namespace EdgeRuntime.Journal.Sqlite;

/// <summary>The outbox in SQLite: the <c>events</c> table and each sink's cursor in <c>sinks</c>.</summary>
internal sealed class SqliteOutbox(JournalDatabase database) : IOutbox
{
    public void Enqueue(IEnumerable<JournalEvent> messages) => database.Guarded(() =>
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        Insert(connection, transaction, messages);
        transaction.Commit();
    });

    public void UseSinks(IEnumerable<string> sinks) => database.Guarded(() =>
    {
        ArgumentNullException.ThrowIfNull(sinks);
        var names = sinks.ToList();
        using var connection = database.Open();
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
                JournalDatabase.Execute(connection, transaction, "DELETE FROM sinks WHERE name = $name", ("$name", gone));
            }
        }

        foreach (var name in names)
        {
            JournalDatabase.Execute(connection, transaction, "INSERT OR IGNORE INTO sinks (name, delivered) VALUES ($name, 0)", ("$name", name));
        }

        Prune(connection, transaction);
        transaction.Commit();
    });

    public IReadOnlyList<JournalEvent> PeekOutbox(string sink, int count) => database.Guarded(() =>
    {
        using var connection = database.Open();
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

    public void Acknowledge(string sink, long sequence) => database.Guarded(() =>
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        JournalDatabase.Execute(connection, transaction, "INSERT INTO sinks (name, delivered) VALUES ($sink, $seq) ON CONFLICT(name) DO UPDATE SET delivered = MAX(delivered, $seq)", ("$sink", sink), ("$seq", sequence));
        Prune(connection, transaction);
        transaction.Commit();
    });

    public long OutboxLength() => database.Guarded(() =>
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM events";
        return (long)command.ExecuteScalar()!;
    });

    public IReadOnlyDictionary<string, long> OutboxLengths() => database.Guarded(() =>
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT s.name, (SELECT COUNT(*) FROM events e WHERE e.seq > s.delivered) FROM sinks s ORDER BY s.name";
        using var reader = command.ExecuteReader();
        var lengths = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            lengths[reader.GetString(0)] = reader.GetInt64(1);
        }

        return (IReadOnlyDictionary<string, long>)lengths;
    });

    /// <summary>
    /// Queues <paramref name="events"/> inside the caller's <paramref name="transaction"/>: how a state change and the
    /// events that report it (<see cref="SqliteSlideQueue"/>) commit together or not at all.
    /// </summary>
    public static void Insert(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<JournalEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            JournalDatabase.Execute(connection, transaction, "INSERT INTO events (kind, subject, correlation, data, at) VALUES ($kind, $subject, $correlation, $data, $at)",
                ("$kind", e.Kind), ("$subject", e.Subject), ("$correlation", e.Correlation), ("$data", PayloadJson.Write(e.Data)), ("$at", e.At.ToString("O", CultureInfo.InvariantCulture)));
        }
    }

    // Events every sink in use has delivered. With no sink in use (a journal only read by `edgert status`), none.
    private static void Prune(SqliteConnection connection, SqliteTransaction transaction) =>
        JournalDatabase.Execute(connection, transaction, "DELETE FROM events WHERE EXISTS (SELECT 1 FROM sinks) AND seq <= (SELECT MIN(delivered) FROM sinks)");
}
