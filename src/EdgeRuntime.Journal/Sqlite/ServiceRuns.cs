using System.Globalization;
using EdgeRuntime.Journal.Events;

namespace EdgeRuntime.Journal.Sqlite;

/// <summary>The service's runs: the marker that tells a clean stop from a kill, and the lock that keeps one service per journal.</summary>
internal sealed class ServiceRuns(JournalDatabase database) : IDisposable
{
    private readonly Lock runLock = new();
    private RunStart? run;
    private FileStream? runLockFile;

    /// <summary>
    /// Marks the start of a service run, once per journal object (later calls return the first answer): says whether
    /// the run before ended uncleanly (started and never marked stopped: a kill, a crash, a power cut), and puts every
    /// slide found processing back to pending with a <see cref="EventKinds.SlideInterrupted"/> event saying so, in one
    /// transaction. Holds <c>{journal}.run</c> locked while the process lives, so a second service on the same journal
    /// is refused and <see cref="IsServiceRunning"/> can tell whether one runs.
    /// </summary>
    /// <exception cref="IOException">Another service process is running on this journal.</exception>
    public RunStart StartRun() => database.Guarded(() =>
    {
        lock (runLock)
        {
            if (run is not null)
            {
                return run;
            }

            runLockFile = TakeRunLock(database.Path);
            using var connection = database.Open();
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
                list.CommandText = $"SELECT {SqliteSlideQueue.Columns} FROM slides WHERE state = 'Processing' ORDER BY discovered_at, id";
                using var reader = list.ExecuteReader();
                while (reader.Read())
                {
                    interrupted.Add(SqliteSlideQueue.Read(reader));
                }
            }

            var how = previous is { Clean: false } ? $"the service stopped uncleanly (a kill, a crash or a power cut; its run began {previous.StartedAt:u})" : "the service stopped";
            foreach (var slide in interrupted)
            {
                JournalDatabase.Execute(connection, transaction, "UPDATE slides SET state = 'Pending' WHERE id = $id", ("$id", slide.Id));
                SqliteOutbox.Insert(connection, transaction, [SlideEvents.Interrupted(slide.Id, slide.Path, slide.Attempts, $"interrupted: {how} while it was being processed (attempt {slide.Attempts}); it is processed again")]);
            }

            JournalDatabase.Execute(connection, transaction, "INSERT INTO runs (pid, started_at) VALUES ($pid, $now)", ("$pid", Environment.ProcessId), ("$now", JournalDatabase.Now()));
            transaction.Commit();
            run = new RunStart(previous, [.. interrupted.Select(s => s.Id)]);
            return run;
        }
    });

    /// <summary>Marks the run <see cref="StartRun"/> began as stopped cleanly (nothing was left half done by the process dying).</summary>
    public void EndRun() => database.Guarded(() =>
    {
        lock (runLock)
        {
            if (run is null)
            {
                return;
            }

            using var connection = database.Open();
            JournalDatabase.Execute(connection, null, "UPDATE runs SET stopped_at = $now WHERE id = (SELECT MAX(id) FROM runs)", ("$now", JournalDatabase.Now()));
            runLockFile?.Dispose();
            runLockFile = null;
        }
    });

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
}
