using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Slides.Files;
using Microsoft.Data.Sqlite;

namespace EdgeRuntime.Journal;

/// <summary>
/// The durable memory of the service, in SQLite with write-ahead logging: every slide's state and the outbox of
/// <see cref="JournalEvent"/>s not yet delivered by every sink. Every state change and the events that report it
/// are one transaction. Each sink (<see cref="Outbox.IEventSink"/>) has a cursor: the last event it delivered; an
/// event is deleted once every sink in use is past it. Safe to use from several threads; each call opens its own
/// pooled connection.
/// </summary>
public sealed class SlideJournal : IDisposable
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
        using var connection = Open(checkIdentity: false);
        file = FileNode.Of(full);
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

    /// <summary>
    /// Marks the start of a service run, once per journal object (later calls return the first answer): says whether
    /// the run before ended uncleanly (started and never marked stopped: a kill, a crash, a power cut), and puts every
    /// slide found processing back to pending with a <see cref="EventKinds.SlideInterrupted"/> event saying so, in one
    /// transaction. Holds <c>{journal}.run</c> locked while the process lives, so a second service on the same journal
    /// is refused and <see cref="IsServiceRunning"/> can tell whether one runs.
    /// </summary>
    /// <exception cref="IOException">Another service process is running on this journal.</exception>
    public RunStart StartRun()
    {
        lock (runLock)
        {
            if (run is not null)
            {
                return run;
            }

            runLockFile = TakeRunLock(DatabasePath);
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            RunStart.Previous? previous = null;
            using (var last = connection.CreateCommand())
            {
                last.Transaction = transaction;
                last.CommandText = "SELECT started_at, stopped_at FROM runs ORDER BY id DESC LIMIT 1";
                using var reader = last.ExecuteReader();
                if (reader.Read())
                {
                    previous = new RunStart.Previous(DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.IsDBNull(1) ? null : DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture));
                }
            }

            var interrupted = new List<SlideRecord>();
            using (var list = connection.CreateCommand())
            {
                list.Transaction = transaction;
                list.CommandText = "SELECT id, path, size, state, reason, attempts, discovered_at, finished_at, location FROM slides WHERE state = 'Processing' ORDER BY discovered_at, id";
                using var reader = list.ExecuteReader();
                while (reader.Read())
                {
                    interrupted.Add(Read(reader));
                }
            }

            var how = previous is { Clean: false } ? $"the service stopped uncleanly (a kill, a crash or a power cut; its run began {previous.StartedAt:u})" : "the service stopped";
            foreach (var slide in interrupted)
            {
                Execute(connection, transaction, "UPDATE slides SET state = 'Pending' WHERE id = $id", ("$id", slide.Id));
                Enqueue(connection, transaction, [SlideEvents.Interrupted(slide.Id, slide.Path, slide.Attempts, $"interrupted: {how} while it was being processed (attempt {slide.Attempts}); it is processed again")]);
            }

            Execute(connection, transaction, "INSERT INTO runs (pid, started_at) VALUES ($pid, $now)", ("$pid", Environment.ProcessId), ("$now", Now()));
            transaction.Commit();
            run = new RunStart(previous, [.. interrupted.Select(s => s.Id)]);
            return run;
        }
    }

    /// <summary>Marks the run <see cref="StartRun"/> began as stopped cleanly (nothing was left half done by the process dying).</summary>
    public void EndRun()
    {
        lock (runLock)
        {
            if (run is null)
            {
                return;
            }

            using var connection = Open();
            Execute(connection, null, "UPDATE runs SET stopped_at = $now WHERE id = (SELECT MAX(id) FROM runs)", ("$now", Now()));
            runLockFile?.Dispose();
            runLockFile = null;
        }
    }

    /// <summary>
    /// Lets go of the run lock without marking the run stopped: what a process that dies does. A run ended this way is
    /// reported unclean at the next <see cref="StartRun"/> unless <see cref="EndRun"/> came first.
    /// </summary>
    public void Dispose()
    {
        lock (runLock)
        {
            runLockFile?.Dispose();
            runLockFile = null;
        }
    }

    /// <summary>Whether a service process holds the run lock of the journal at <paramref name="databasePath"/> (see <see cref="StartRun"/>).</summary>
    public static bool IsServiceRunning(string databasePath)
    {
        var lockPath = Path.GetFullPath(databasePath) + ".run";
        if (!File.Exists(lockPath))
        {
            return false;
        }

        try
        {
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Records where a slide's file is now (moved to done or failed), for <c>edgert status</c>.</summary>
    public void Moved(string id, string location)
    {
        using var connection = Open();
        Execute(connection, null, "UPDATE slides SET location = $location WHERE id = $id", ("$location", location), ("$id", id));
    }

    // .NET's FileShare.None is an flock on Linux: held while this process lives, released by the kernel when it dies.
    private static FileStream TakeRunLock(string databasePath)
    {
        var lockPath = databasePath + ".run";
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"{databasePath}: another edgert service is running on this journal ({lockPath} is locked); one journal serves one service.", e);
        }
    }

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
    public int RequeueInterrupted()
    {
        using var connection = Open();
        return Execute(connection, null, "UPDATE slides SET state = 'Pending' WHERE state = 'Processing'");
    }

    /// <summary>Records a newly found slide as pending; returns the existing record if the id is known (the same content dropped again).</summary>
    public (bool Added, SlideRecord Record) Discover(string id, string path, long size, IEnumerable<JournalEvent> messages)
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
    public SlideRecord? TakeNext(Func<SlideRecord, IEnumerable<JournalEvent>> messages)
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
    /// <param name="id">The slide.</param>
    /// <param name="messages">The events that report it.</param>
    /// <param name="note">Why a done slide has no analysis (no tissue, not brightfield), shown by <c>edgert status</c>; null when it has.</param>
    public void MarkDone(string id, IEnumerable<JournalEvent> messages, string? note = null) => Finish(id, SlideState.Done, note, messages);

    /// <summary>Marks a slide failed with a reason and queues the messages that report it, atomically.</summary>
    public void MarkFailed(string id, string reason, IEnumerable<JournalEvent> messages) => Finish(id, SlideState.Failed, reason, messages);

    /// <summary>Queues events that report no slide's state change (plugin changes; metrics are not queued: they are only current).</summary>
    public void Enqueue(IEnumerable<JournalEvent> messages)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Enqueue(connection, transaction, messages);
        transaction.Commit();
    }

    /// <summary>
    /// Makes <paramref name="sinks"/> the sinks in use: a new one starts with every event still in the outbox; one no
    /// longer in use stops holding events back.
    /// </summary>
    public void UseSinks(IEnumerable<string> sinks)
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
    }

    /// <summary>The oldest <paramref name="count"/> events that <paramref name="sink"/> has not delivered.</summary>
    public IReadOnlyList<JournalEvent> PeekOutbox(string sink, int count)
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
    }

    /// <summary>Records that <paramref name="sink"/> delivered every event up to <paramref name="sequence"/>; events every sink has are forgotten.</summary>
    public void Acknowledge(string sink, long sequence)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "INSERT INTO sinks (name, delivered) VALUES ($sink, $seq) ON CONFLICT(name) DO UPDATE SET delivered = MAX(delivered, $seq)", ("$sink", sink), ("$seq", sequence));
        Prune(connection, transaction);
        transaction.Commit();
    }

    /// <summary>Events not yet delivered by every sink in use.</summary>
    public long OutboxLength()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM events";
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
        command.CommandText = "SELECT id, path, size, state, reason, attempts, discovered_at, finished_at, location FROM slides ORDER BY discovered_at DESC, id";
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

    /// <summary>
    /// Slides per state among those that finished (done or failed, at intake or in processing) at or after
    /// <paramref name="since"/>: the same count as <see cref="Counts"/>, over a shorter time, so the two never disagree.
    /// </summary>
    public IReadOnlyDictionary<SlideState, int> CountsFinishedSince(DateTimeOffset since)
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
    }

    /// <summary>Times a slide was taken again after an attempt that did not finish (a crash, a kill, a full disk), over all slides.</summary>
    public long Retries()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(attempts - 1), 0) FROM slides WHERE attempts > 1";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Puts a slide being processed back to pending, with <paramref name="messages"/> in the same transaction: its
    /// attempt ended for a reason outside the slide (a full disk), and it is to be taken again.
    /// </summary>
    public void Requeue(string id, IEnumerable<JournalEvent> messages)
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
    }

    private void Finish(string id, SlideState state, string? reason, IEnumerable<JournalEvent> messages)
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
