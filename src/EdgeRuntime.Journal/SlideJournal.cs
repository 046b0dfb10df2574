using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Outbox;
using EdgeRuntime.Journal.Sqlite;

namespace EdgeRuntime.Journal;

/// <summary>
/// The durable memory of the service, one SQLite file with write-ahead logging, opened once: the slide queue
/// (<see cref="ISlideQueue"/>), the outbox of <see cref="JournalEvent"/>s that sinks drain (<see cref="IOutbox"/>),
/// the figures (<see cref="IJournalStatistics"/>) and the service's runs. Each is its own class over the one file
/// (<c>Sqlite/</c>); this class opens the file, creates or migrates its tables (<c>JournalSchema</c>) and hands each
/// caller the interface it needs. A state change and the events that report it are one transaction. Safe to use
/// from several threads; each call opens its own pooled connection.
/// </summary>
public sealed class SlideJournal : ISlideQueue, IOutbox, IJournalStatistics, IDisposable
{
    private readonly JournalDatabase database;

    /// <summary>The journal's file, for tables kept beside the slides' (the fleet's ledger).</summary>
    internal JournalDatabase Database => database;
    private readonly SqliteSlideQueue slides;
    private readonly SqliteOutbox outbox;
    private readonly SqliteJournalStatistics statistics;
    private readonly ServiceRuns runs;

    /// <summary>Opens (and creates, if needed) the journal at <paramref name="databasePath"/>.</summary>
    /// <param name="databasePath">The database file.</param>
    /// <param name="busyTimeout">How long a write waits for another writer's lock before it fails. Default 30 s.</param>
    public SlideJournal(string databasePath, TimeSpan? busyTimeout = null)
    {
        database = new JournalDatabase(databasePath, busyTimeout);
        slides = new SqliteSlideQueue(database);
        outbox = new SqliteOutbox(database);
        statistics = new SqliteJournalStatistics(database);
        runs = new ServiceRuns(database);
    }

    /// <summary>The database file.</summary>
    public string DatabasePath => database.Path;

    /// <summary>The slide queue alone.</summary>
    public ISlideQueue Slides => slides;

    /// <summary>The outbox alone.</summary>
    public IOutbox Outbox => outbox;

    /// <summary>The figures alone.</summary>
    public IJournalStatistics Statistics => statistics;

    /// <summary>
    /// Throws <see cref="JournalLostException"/> if the file at <see cref="DatabasePath"/> is no longer the one this
    /// journal opened (deleted, or replaced: another device or inode). SQLite would go on writing into the open,
    /// deleted file, and every history, duplicate check and failure reason would be gone at the next start; so every
    /// transaction checks first, and the service checks on a timer.
    /// </summary>
    public void CheckIdentity() => database.CheckIdentity();

    /// <inheritdoc />
    public (bool Added, SlideRecord Record) Discover(string id, string path, long size, IEnumerable<JournalEvent> messages) => slides.Discover(id, path, size, messages);

    /// <inheritdoc />
    public SlideRecord? TakeNext(Func<SlideRecord, IEnumerable<JournalEvent>> messages) => slides.TakeNext(messages);

    /// <inheritdoc />
    public void MarkDone(string id, IEnumerable<JournalEvent> messages, string? note = null) => slides.MarkDone(id, messages, note);

    /// <inheritdoc />
    public void MarkFailed(string id, string reason, IEnumerable<JournalEvent> messages) => slides.MarkFailed(id, reason, messages);

    /// <inheritdoc />
    public void Requeue(string id, IEnumerable<JournalEvent> messages) => slides.Requeue(id, messages);

    /// <inheritdoc />
    public int RequeueInterrupted() => slides.RequeueInterrupted();

    /// <inheritdoc />
    public void Moved(string id, string location) => slides.Moved(id, location);

    /// <inheritdoc />
    public SlideRecord? Get(string id) => slides.Get(id);

    /// <inheritdoc />
    public IReadOnlyList<SlideRecord> List() => slides.List();

    /// <inheritdoc />
    public void Enqueue(IEnumerable<JournalEvent> messages) => outbox.Enqueue(messages);

    /// <inheritdoc />
    public void UseSinks(IEnumerable<string> sinks) => outbox.UseSinks(sinks);

    /// <inheritdoc />
    public IReadOnlyList<JournalEvent> PeekOutbox(string sink, int count) => outbox.PeekOutbox(sink, count);

    /// <inheritdoc />
    public void Acknowledge(string sink, long sequence) => outbox.Acknowledge(sink, sequence);

    /// <inheritdoc />
    public long OutboxLength() => outbox.OutboxLength();

    /// <inheritdoc />
    public IReadOnlyDictionary<string, long> OutboxLengths() => outbox.OutboxLengths();

    /// <inheritdoc />
    public IReadOnlyDictionary<SlideState, int> Counts() => statistics.Counts();

    /// <inheritdoc />
    public IReadOnlyDictionary<SlideState, int> CountsFinishedSince(DateTimeOffset since) => statistics.CountsFinishedSince(since);

    /// <inheritdoc />
    public long Retries() => statistics.Retries();

    /// <summary>
    /// Marks the start of a service run, once per journal object (later calls return the first answer): says whether
    /// the run before ended uncleanly (started and never marked stopped: a kill, a crash, a power cut), and puts every
    /// slide found processing back to pending with a <see cref="EventKinds.SlideInterrupted"/> event saying so, in one
    /// transaction. Holds <c>{journal}.run</c> locked while the process lives, so a second service on the same journal
    /// is refused and <see cref="IsServiceRunning"/> can tell whether one runs.
    /// </summary>
    /// <exception cref="IOException">Another service process is running on this journal.</exception>
    public RunStart StartRun() => runs.StartRun();

    /// <summary>Marks the run <see cref="StartRun"/> began as stopped cleanly (nothing was left half done by the process dying).</summary>
    public void EndRun() => runs.EndRun();

    /// <summary>
    /// Lets go of the run lock without marking the run stopped: what a process that dies does. A run ended this way is
    /// reported unclean at the next <see cref="StartRun"/> unless <see cref="EndRun"/> came first.
    /// </summary>
    public void Dispose() => runs.Dispose();

    /// <summary>Whether a service process holds the run lock of the journal at <paramref name="databasePath"/> (see <see cref="StartRun"/>).</summary>
    public static bool IsServiceRunning(string databasePath) => ServiceRuns.IsServiceRunning(databasePath);
}
