using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Journal.Events;
using Microsoft.Data.Sqlite;

namespace EdgeRuntime.Journal;

/// <summary>
/// The durable memory of the service, in SQLite with write-ahead logging: every slide's state and the outbox of
/// <see cref="JournalEvent"/>s not yet delivered by every sink. Every state change and the events that report it
/// are one transaction. Each sink (<see cref="Outbox.IEventSink"/>) has a cursor: the last event it delivered; an
/// event is deleted once every sink in use is past it. Safe to use from several threads; each call opens its own
/// pooled connection.
/// </summary>
public sealed partial class SlideJournal : IDisposable
{
    private readonly string connectionString;
    private readonly string busyPragma;
    private readonly FileNode file;
    private readonly Lock runLock = new();
    private RunStart? run;
    private FileStream? runLockFile;

    /// <summary>Opens (and creates, if needed) the journal at <paramref name="databasePath"/>.</summary>
    /// <param name="databasePath">The database file.</param>
    /// <param name="busyTimeout">How long a write waits for another writer's lock before it fails. Default 30 s.</param>
    public SlideJournal(string databasePath, TimeSpan? busyTimeout = null)
    {
        var full = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var busy = busyTimeout ?? TimeSpan.FromSeconds(30);
        busyPragma = string.Create(CultureInfo.InvariantCulture, $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {(long)busy.TotalMilliseconds};");
        connectionString = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = (int)Math.Max(1, Math.Ceiling(busy.TotalSeconds)) }.ToString();
        DatabasePath = full;
        file = Guarded(() => Create(full));
    }

    private FileNode Create(string full)
    {
        using var connection = Open(checkIdentity: false);
        var node = FileNode.Of(full);
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
        return node;
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// Throws <see cref="JournalLostException"/> if the file at <see cref="DatabasePath"/> is no longer the one this
    /// journal opened (deleted, or replaced: another device or inode). SQLite would go on writing into the open,
    /// deleted file, and every history, duplicate check and failure reason would be gone at the next start; so every
    /// transaction checks first, and the service checks on a timer.
    /// </summary>
    public void CheckIdentity()
    {
        var now = FileNode.Of(DatabasePath);
        if (!now.IsSameFile(file))
        {
            throw new JournalLostException(DatabasePath, now.Kind == FileNodeKind.Missing ? "was deleted" : "was replaced by another file");
        }
    }

    /// <summary>Records where a slide's file is now (moved to done or failed), for <c>edgert status</c>.</summary>
    public void Moved(string id, string location) => Guarded(() =>
    {
        using var connection = Open();
        Execute(connection, null, "UPDATE slides SET location = $location WHERE id = $id", ("$location", location), ("$id", id));
    });

    private static void AddColumnIfMissing(SqliteConnection connection, string table, string column, string type)
    {
        using var check = connection.CreateCommand();
        check.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
        if ((long)check.ExecuteScalar()! == 0)
        {
            Execute(connection, null, $"ALTER TABLE {table} ADD COLUMN {column} {type}");
        }
    }

    /// <summary>Puts slides left in <see cref="SlideState.Processing"/> by a crash back to pending; returns how many.</summary>
    public int RequeueInterrupted() => Guarded(() =>
    {
        using var connection = Open();
        return Execute(connection, null, "UPDATE slides SET state = 'Pending' WHERE state = 'Processing'");
    });

    /// <summary>Records a newly found slide as pending; returns the existing record if the id is known (the same content dropped again).</summary>
    public (bool Added, SlideRecord Record) Discover(string id, string path, long size, IEnumerable<JournalEvent> messages) => Guarded(() =>
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
    });

    /// <summary>Takes the oldest pending slide and marks it processing, or returns null.</summary>
    public SlideRecord? TakeNext(Func<SlideRecord, IEnumerable<JournalEvent>> messages) => Guarded(() =>
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
    });

    /// <summary>Marks a slide done and queues the messages that report it, atomically.</summary>
    /// <param name="id">The slide.</param>
    /// <param name="messages">The events that report it.</param>
    /// <param name="note">Why a done slide has no analysis (no tissue, not brightfield), shown by <c>edgert status</c>; null when it has.</param>
    public void MarkDone(string id, IEnumerable<JournalEvent> messages, string? note = null) => Finish(id, SlideState.Done, note, messages);

    /// <summary>Marks a slide failed with a reason and queues the messages that report it, atomically.</summary>
    public void MarkFailed(string id, string reason, IEnumerable<JournalEvent> messages) => Finish(id, SlideState.Failed, reason, messages);

    /// <summary>One slide by id.</summary>
    public SlideRecord? Get(string id) => Guarded(() =>
    {
        using var connection = Open();
        return Get(connection, null, id);
    });

    /// <summary>All slides, newest first.</summary>
    public IReadOnlyList<SlideRecord> List() => Guarded(() =>
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, path, size, state, reason, attempts, discovered_at, finished_at, location FROM slides ORDER BY discovered_at DESC, id";
        using var reader = command.ExecuteReader();
        var result = new List<SlideRecord>();
        while (reader.Read())
        {
            result.Add(Read(reader));
        }

        return result;
    });

    /// <summary>Slides per state.</summary>
    public IReadOnlyDictionary<SlideState, int> Counts() => Guarded(() =>
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
    });

    /// <summary>
    /// Slides per state among those that finished (done or failed, at intake or in processing) at or after
    /// <paramref name="since"/>: the same count as <see cref="Counts"/>, over a shorter time, so the two never disagree.
    /// </summary>
    public IReadOnlyDictionary<SlideState, int> CountsFinishedSince(DateTimeOffset since) => Guarded(() =>
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state, COUNT(*) FROM slides WHERE finished_at >= $since GROUP BY state";
        command.Parameters.AddWithValue("$since", since.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        using var reader = command.ExecuteReader();
        var result = Enum.GetValues<SlideState>().ToDictionary(s => s, _ => 0);
        while (reader.Read())
        {
            result[Enum.Parse<SlideState>(reader.GetString(0))] = reader.GetInt32(1);
        }

        return result;
    });

    /// <summary>Times a slide was taken again after an attempt that did not finish (a crash, a kill, a full disk), over all slides.</summary>
    public long Retries() => Guarded(() =>
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(attempts - 1), 0) FROM slides WHERE attempts > 1";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    });

    /// <summary>
    /// Puts a slide being processed back to pending, with <paramref name="messages"/> in the same transaction: its
    /// attempt ended for a reason outside the slide (a full disk), and it is to be taken again.
    /// </summary>
    public void Requeue(string id, IEnumerable<JournalEvent> messages) => Guarded(() =>
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        if (Execute(connection, transaction, "UPDATE slides SET state = 'Pending', reason = NULL WHERE id = $id AND state = 'Processing'", ("$id", id)) != 1)
        {
            throw new InvalidOperationException($"The journal has no slide {id} being processed.");
        }

        Enqueue(connection, transaction, messages);
        transaction.Commit();
    });

    private void Finish(string id, SlideState state, string? reason, IEnumerable<JournalEvent> messages) => Guarded(() =>
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
    });

    private static SlideRecord? Get(SqliteConnection connection, SqliteTransaction? transaction, string id)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id, path, size, state, reason, attempts, discovered_at, finished_at, location FROM slides WHERE id = $id";
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
        r.IsDBNull(7) ? null : DateTimeOffset.Parse(r.GetString(7), CultureInfo.InvariantCulture))
    {
        Location = r.IsDBNull(8) ? null : r.GetString(8),
    };

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

    // Callers see the journal's failures as the journal's (an IOException naming the file), never SQLite's types: a
    // component that catches SqliteException would have to know what stores the journal.
    private T Guarded<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException e)
        {
            throw new JournalUnavailableException(DatabasePath, e);
        }
    }

    private void Guarded(Action action) => Guarded(() =>
    {
        action();
        return true;
    });

    private SqliteConnection Open(bool checkIdentity = true)
    {
        if (checkIdentity)
        {
            CheckIdentity();
        }

        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = busyPragma;
        pragma.ExecuteNonQuery();
        return connection;
    }
}
