namespace EdgeRuntime.Journal;

/// <summary>
/// The journal could not be read or written (locked by another writer past the busy timeout, the disk full, the file
/// not a journal): a passing or an operator's problem, never the slide's. Callers catch this, and need not know what
/// stores the journal. Not an <see cref="IOException"/>: a slide's own file errors are caught as those, and the
/// journal's failure must not pass for one of them.
/// </summary>
/// <param name="databasePath">The journal's file.</param>
/// <param name="reason">Why, in the operator's words, and what to do.</param>
/// <param name="inner">The storage's own failure.</param>
public sealed class JournalUnavailableException(string databasePath, string reason, Exception inner)
    : Exception($"{databasePath}: the journal could not be read or written: {reason}.", inner)
{
    /// <summary>The journal's file.</summary>
    public string DatabasePath { get; } = databasePath;
}
