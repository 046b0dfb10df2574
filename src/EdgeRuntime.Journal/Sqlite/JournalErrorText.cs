using EdgeRuntime.Foundation.Files;
using Microsoft.Data.Sqlite;

namespace EdgeRuntime.Journal.Sqlite;

/// <summary>
/// Why the journal could not be used, in the operator's words and with what to do: SQLite's own text ("SQLite Error
/// 26: 'file is not a database'") names neither the cause a person can act on nor the way out.
/// </summary>
internal static class JournalErrorText
{
    // SQLite's primary result codes (the extended ones carry them in the low byte).
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int NotADatabase = 26;

    public static string Describe(string path, SqliteException e) => (e.SqliteErrorCode & 0xff) switch
    {
        Full => "the disk that holds it is full; free space there",
        Busy or Locked => "another process holds it locked past the busy timeout; stop whatever else has it open (a copy or backup tool, sqlite3)",
        ReadOnly => "it, its folder or its disk is read-only; make them writable for the service's account",
        Corrupt => "the file is damaged; move it away to start a new, empty journal, or restore it from a backup",
        NotADatabase => "the file is not a journal (not an SQLite database: damaged, or another file in its place); move it away to start a new, empty journal, or restore it from a backup",
        IoError => "the disk reported an input/output error; check the disk",
        CantOpen => FileNode.Of(path).Kind switch
        {
            FileNodeKind.Regular or FileNodeKind.Missing => "it cannot be opened or created there; check that its folder exists and can be written",
            var kind => $"the path is {FileNode.Describe(kind)}, not a file; move it away or set EdgeRuntime:Journal:DatabasePath to a file",
        },
        _ => e.Message,
    };
}
