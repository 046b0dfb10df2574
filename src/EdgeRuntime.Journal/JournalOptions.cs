namespace EdgeRuntime.Journal;

/// <summary>The journal's database. Bound from <c>EdgeRuntime:Journal</c>.</summary>
public sealed class JournalOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Journal";

    /// <summary>SQLite database file. Default <c>state/journal.db</c> (relative paths: README, Configuration).</summary>
    public string DatabasePath { get; set; } = Path.Combine("state", "journal.db");

    /// <summary>
    /// Seconds between checks that the database file is still the one opened (not deleted or replaced); every
    /// transaction checks too. Default 5.
    /// </summary>
    public double CheckIntervalSeconds { get; set; } = 5;

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            yield return $"{Section}:{nameof(DatabasePath)} must name a file.";
        }

        if (!(CheckIntervalSeconds > 0))
        {
            yield return $"{Section}:{nameof(CheckIntervalSeconds)} must be positive (is {CheckIntervalSeconds}).";
        }
    }
}
