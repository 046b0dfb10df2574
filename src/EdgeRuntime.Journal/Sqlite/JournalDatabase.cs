using System.Globalization;
using EdgeRuntime.Foundation.Files;
using Microsoft.Data.Sqlite;

namespace EdgeRuntime.Journal.Sqlite;

/// <summary>
/// The journal's SQLite file: pooled connections with write-ahead logging, the busy timeout, the check that the file
/// is still the one opened, and SQLite's failures turned into the journal's own. Each call opens its own connection,
/// so the stores over it are safe to use from several threads.
/// </summary>
internal sealed class JournalDatabase
{
    private readonly string connectionString;
    private readonly string busyPragma;
    private readonly FileNode file;

    public JournalDatabase(string databasePath, TimeSpan? busyTimeout)
    {
        var full = System.IO.Path.GetFullPath(databasePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var busy = busyTimeout ?? TimeSpan.FromSeconds(30);
        busyPragma = string.Create(CultureInfo.InvariantCulture, $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {(long)busy.TotalMilliseconds};");
        connectionString = new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = (int)Math.Max(1, Math.Ceiling(busy.TotalSeconds)) }.ToString();
        Path = full;
        file = Guarded(() =>
        {
            using var connection = Open(checkIdentity: false);
            var node = FileNode.Of(full);
            JournalSchema.CreateOrMigrate(connection);
            return node;
        });
    }

    public string Path { get; }

    /// <summary>Throws <see cref="JournalLostException"/> if the file is no longer the one opened (see <see cref="SlideJournal.CheckIdentity"/>).</summary>
    public void CheckIdentity()
    {
        var now = FileNode.Of(Path);
        if (!now.IsSameFile(file))
        {
            throw new JournalLostException(Path, now.Kind == FileNodeKind.Missing ? "was deleted" : "was replaced by another file");
        }

        // The same file emptied or overwritten in place (truncate, a copy over it, a disk tool): SQLite would carry on
        // from its write-ahead log and cache and then checkpoint into a file with no tables, so the history is gone
        // without a word. Every journal begins with SQLite's header once created.
        if (!StartsWithHeader(Path))
        {
            throw new JournalLostException(Path, "was emptied or overwritten in place (it no longer begins as an SQLite database)");
        }
    }

    private static ReadOnlySpan<byte> Header => "SQLite format 3\0"u8;

    private static bool StartsWithHeader(string path)
    {
        Span<byte> start = stackalloc byte[16];
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var read = 0;
            while (read < start.Length && RandomAccess.Read(handle, start[read..], read) is var n and > 0)
            {
                read += n;
            }

            return read == start.Length && start.SequenceEqual(Header);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    public SqliteConnection Open(bool checkIdentity = true)
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

    // Callers see the journal's failures as the journal's (an IOException naming the file), never SQLite's types: a
    // component that catches SqliteException would have to know what stores the journal.
    public T Guarded<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException e)
        {
            throw new JournalUnavailableException(Path, JournalErrorText.Describe(Path, e), e);
        }
    }

    public void Guarded(Action action) => Guarded(() =>
    {
        action();
        return true;
    });

    public static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    public static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
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
}
