namespace EdgeRuntime.Journal;

/// <summary>
/// The journal could not be read or written (locked by another writer past the busy timeout, the disk full, the file
/// not a journal): a passing or an operator's problem, never the slide's. Callers catch this, and need not know what
/// stores the journal. Not an <see cref="IOException"/>: a slide's own file errors are caught as those, and the
/// journal's failure must not pass for one of them.
/// </summary>
public sealed class JournalUnavailableException(string databasePath, Exception inner)
    : Exception($"{databasePath}: the journal could not be read or written: {inner.Message}", inner)
{
    /// <summary>The journal's file.</summary>
    public string DatabasePath { get; } = databasePath;
}
