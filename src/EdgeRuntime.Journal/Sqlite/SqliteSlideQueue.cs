using System.Globalization;
using EdgeRuntime.Journal.Events;
using Microsoft.Data.Sqlite;

namespace EdgeRuntime.Journal.Sqlite;

/// <summary>The slide queue in SQLite: the <c>slides</c> table; each change commits with its events (<see cref="SqliteOutbox.Insert"/>).</summary>
internal sealed class SqliteSlideQueue(JournalDatabase database) : ISlideQueue
{
    /// <summary>The columns <see cref="Read"/> reads, in its order.</summary>
    public const string Columns = "id, path, size, state, reason, attempts, discovered_at, finished_at, location";

    public (bool Added, SlideRecord Record) Discover(string id, string path, long size, IEnumerable<JournalEvent> messages) => database.Guarded(() =>
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var existing = Get(connection, transaction, id);
        if (existing is not null)
        {
            return (false, existing);
        }

        JournalDatabase.Execute(connection, transaction, "INSERT INTO slides (id, path, size, state, discovered_at) VALUES ($id, $path, $size, 'Pending', $now)",
            ("$id", id), ("$path", path), ("$size", size), ("$now", JournalDatabase.Now()));
        SqliteOutbox.Insert(connection, transaction, messages);
        transaction.Commit();
        return (true, Get(connection, null, id)!);
    });

    public SlideRecord? TakeNext(Func<SlideRecord, IEnumerable<JournalEvent>> messages) => database.Guarded(() =>
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id FROM slides WHERE state = 'Pending' ORDER BY discovered_at, id LIMIT 1";
        if (command.ExecuteScalar() is not string id)
        {
            return null;
        }

        JournalDatabase.Execute(connection, transaction, "UPDATE slides SET state = 'Processing', attempts = attempts + 1 WHERE id = $id", ("$id", id));
        var record = Get(connection, transaction, id)!;
        SqliteOutbox.Insert(connection, transaction, messages(record));
        transaction.Commit();
        return record;
    });

    public void MarkDone(string id, IEnumerable<JournalEvent> messages, string? note = null) => Finish(id, SlideState.Done, note, messages);

    public void MarkFailed(string id, string reason, IEnumerable<JournalEvent> messages) => Finish(id, SlideState.Failed, reason, messages);

    public void Requeue(string id, IEnumerable<JournalEvent> messages) => database.Guarded(() =>
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        if (JournalDatabase.Execute(connection, transaction, "UPDATE slides SET state = 'Pending', reason = NULL WHERE id = $id AND state = 'Processing'", ("$id", id)) != 1)
        {
            throw new InvalidOperationException($"The journal has no slide {id} being processed.");
        }

        SqliteOutbox.Insert(connection, transaction, messages);
        transaction.Commit();
    });

    public int RequeueInterrupted() => database.Guarded(() =>
    {
        using var connection = database.Open();
        return JournalDatabase.Execute(connection, null, "UPDATE slides SET state = 'Pending' WHERE state = 'Processing'");
    });

    public void Moved(string id, string location) => database.Guarded(() =>
    {
        using var connection = database.Open();
        JournalDatabase.Execute(connection, null, "UPDATE slides SET location = $location WHERE id = $id", ("$location", location), ("$id", id));
    });

    public SlideRecord? Get(string id) => database.Guarded(() =>
    {
        using var connection = database.Open();
        return Get(connection, null, id);
    });

    public IReadOnlyList<SlideRecord> List() => database.Guarded(() =>
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM slides ORDER BY discovered_at DESC, id";
        using var reader = command.ExecuteReader();
        var result = new List<SlideRecord>();
        while (reader.Read())
        {
            result.Add(Read(reader));
        }

        return (IReadOnlyList<SlideRecord>)result;
    });

    /// <summary>A row of <see cref="Columns"/> as a record.</summary>
    public static SlideRecord Read(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetInt64(2),
        Enum.Parse<SlideState>(r.GetString(3)),
        r.IsDBNull(4) ? null : r.GetString(4),
        r.GetInt32(5),
        DateTimeOffset.Parse(r.GetString(6), CultureInfo.InvariantCulture),
        r.IsDBNull(7) ? null : DateTimeOffset.Parse(r.GetString(7), CultureInfo.InvariantCulture))
    {
        Location = r.IsDBNull(8) ? null : r.GetString(8),
    };

    private void Finish(string id, SlideState state, string? reason, IEnumerable<JournalEvent> messages) => database.Guarded(() =>
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var changed = JournalDatabase.Execute(connection, transaction, "UPDATE slides SET state = $state, reason = $reason, finished_at = $now WHERE id = $id",
            ("$state", state.ToString()), ("$reason", (object?)reason ?? DBNull.Value), ("$now", JournalDatabase.Now()), ("$id", id));
        if (changed != 1)
        {
            throw new InvalidOperationException($"The journal has no slide {id}.");
        }

        SqliteOutbox.Insert(connection, transaction, messages);
        transaction.Commit();
    });

    private static SlideRecord? Get(SqliteConnection connection, SqliteTransaction? transaction, string id)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {Columns} FROM slides WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }
}
