namespace EdgeRuntime.Journal;

/// <summary>The journal's file was deleted or replaced under the running service: nothing may be written any more.</summary>
public sealed class JournalLostException(string databasePath, string what)
    : IOException($"{databasePath}: the journal {what} while the service was running; nothing more is written (it would go into a file nobody can open), and the service stops. Restore the file from a backup, or start again to begin a new, empty journal.")
{
    /// <summary>The journal's file.</summary>
    public string DatabasePath { get; } = databasePath;
}
