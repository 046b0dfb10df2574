using System.Globalization;
using Microsoft.Data.Sqlite;

namespace EdgeRuntime.Ingest.Journal;

/// <summary>
/// The durable memory of the service, in SQLite with write-ahead logging: every slide's state and the outbox
/// of messages not yet acknowledged by the broker. Every state change and the messages that report it are one
/// transaction. Safe to use from several threads; each call opens its own pooled connection.
/// </summary>
public sealed class SlideJournal
{
    private readonly string connectionString;

    /// <summary>Opens (and creates, if needed) the journal at <paramref name="databasePath"/>.</summary>
    public SlideJournal(string databasePath)
    {
        var full = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        connectionString = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        DatabasePath = full;
        using var connection = Open();
        Execute(connection, null, """
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
            CREATE TABLE IF NOT EXISTS outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                topic TEXT NOT NULL,
                payload TEXT NOT NULL,
                retain INTEGER NOT NULL,
                correlation TEXT NOT NULL);
            """);
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Puts slides left in <see cref="SlideState.Processing"/> by a crash back to pending; returns how many.</summary>
    public int RequeueInterrupted()
    {
        using var connection = Open();
        return Execute(connection, null, "UPDATE slides SET state = 'Pending' WHERE state = 'Processing'");
    }

    /// <summary>Records a newly found slide as pending; returns the existing record if the id is known (the same content dropped again).</summary>
    public (bool Added, SlideRecord Record) Discover(string id, string path, long size, IEnumerable<OutboxMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var existing = Get(connection, transaction, id);
        if (existing is not null)
        {
            return (false, existing);
        }

        Execute(connection, transaction, "INSERT INTO slides (id, path, size, state, discovered_at) VALUES ($id, $path, $size, 'Pending', $now)",
            ("$id", id), ("$path", path), ("$size", size), ("$now", Now()));
        Enqueue(connection, transaction, messages);
        transaction.Commit();
        return (true, Get(connection, null, id)!);
    }

    /// <summary>Takes the oldest pending slide and marks it processing, or returns null.</summary>
    public SlideRecord? TakeNext(Func<SlideRecord, IEnumerable<OutboxMessage>> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id FROM slides WHERE state = 'Pending' ORDER BY discovered_at, id LIMIT 1";
        if (command.ExecuteScalar() is not string id)
        {
            return null;
        }

        Execute(connection, transaction, "UPDATE slides SET state = 'Processing', attempts = attempts + 1 WHERE id = $id", ("$id", id));
        var record = Get(connection, transaction, id)!;
        Enqueue(connection, transaction, messages(record));
        transaction.Commit();
        return record;
    }

    /// <summary>Marks a slide done and queues the messages that report it, atomically.</summary>
    public void MarkDone(string id, IEnumerable<OutboxMessage> messages) => Finish(id, SlideState.Done, null, messages);

    /// <summary>Marks a slide failed with a reason and queues the messages that report it, atomically.</summary>
    public void MarkFailed(string id, string reason, IEnumerable<OutboxMessage> messages) => Finish(id, SlideState.Failed, reason, messages);

    /// <summary>Queues messages that report no state change (metrics are not queued: they are only current).</summary>
    public void Enqueue(IEnumerable<OutboxMessage> messages)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Enqueue(connection, transaction, messages);
        transaction.Commit();
    }

    /// <summary>The oldest <paramref name="count"/> unacknowledged messages.</summary>
    public IReadOnlyList<OutboxMessage> PeekOutbox(int count)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, topic, payload, retain, correlation FROM outbox ORDER BY seq LIMIT $n";
        command.Parameters.AddWithValue("$n", count);
        using var reader = command.ExecuteReader();
        var result = new List<OutboxMessage>();
        while (reader.Read())
        {
            result.Add(new OutboxMessage(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3) != 0, reader.GetString(4)));
        }

        return result;
    }

    /// <summary>Forgets a message the broker acknowledged.</summary>
    public void Acknowledge(long sequence)
    {
        using var connection = Open();
        Execute(connection, null, "DELETE FROM outbox WHERE seq = $seq", ("$seq", sequence));
    }

    /// <summary>Messages waiting for the broker.</summary>
    public long OutboxLength()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM outbox";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>One slide by id.</summary>
    public SlideRecord? Get(string id)
    {
        using var connection = Open();
        return Get(connection, null, id);
    }

    /// <summary>All slides, newest first.</summary>
    public IReadOnlyList<SlideRecord> List()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, path, size, state, reason, attempts, discovered_at, finished_at FROM slides ORDER BY discovered_at DESC, id";
        using var reader = command.ExecuteReader();
        var result = new List<SlideRecord>();
        while (reader.Read())
        {
            result.Add(Read(reader));
        }

        return result;
    }

    /// <summary>Slides per state.</summary>
    public IReadOnlyDictionary<SlideState, int> Counts()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state, COUNT(*) FROM slides GROUP BY state";
        using var reader = command.ExecuteReader();
        var result = Enum.GetValues<SlideState>().ToDictionary(s => s, _ => 0);
        while (reader.Read())
        {
            result[Enum.Parse<SlideState>(reader.GetString(0))] = reader.GetInt32(1);
        }

        return result;
    }

    private void Finish(string id, SlideState state, string? reason, IEnumerable<OutboxMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var changed = Execute(connection, transaction, "UPDATE slides SET state = $state, reason = $reason, finished_at = $now WHERE id = $id",
            ("$state", state.ToString()), ("$reason", (object?)reason ?? DBNull.Value), ("$now", Now()), ("$id", id));
        if (changed != 1)
        {
            throw new InvalidOperationException($"The journal has no slide {id}.");
        }

        Enqueue(connection, transaction, messages);
        transaction.Commit();
    }

    private static void Enqueue(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<OutboxMessage> messages)
    {
        foreach (var m in messages)
        {
            Execute(connection, transaction, "INSERT INTO outbox (topic, payload, retain, correlation) VALUES ($topic, $payload, $retain, $correlation)",
                ("$topic", m.Topic), ("$payload", m.Payload), ("$retain", m.Retain ? 1 : 0), ("$correlation", m.CorrelationId));
        }
    }

    private static SlideRecord? Get(SqliteConnection connection, SqliteTransaction? transaction, string id)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id, path, size, state, reason, attempts, discovered_at, finished_at FROM slides WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    private static SlideRecord Read(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetInt64(2),
        Enum.Parse<SlideState>(r.GetString(3)),
        r.IsDBNull(4) ? null : r.GetString(4),
        r.GetInt32(5),
        DateTimeOffset.Parse(r.GetString(6), CultureInfo.InvariantCulture),
        r.IsDBNull(7) ? null : DateTimeOffset.Parse(r.GetString(7), CultureInfo.InvariantCulture));

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;";
        pragma.ExecuteNonQuery();
        return connection;
    }
}
