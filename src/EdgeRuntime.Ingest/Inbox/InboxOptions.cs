namespace EdgeRuntime.Ingest.Inbox;

/// <summary>The watched folder scanners write into. Bound from <c>EdgeRuntime:Inbox</c>.</summary>
public sealed class InboxOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Inbox";

    /// <summary>The folder watched. Default <c>inbox</c> (relative paths: README, Configuration).</summary>
    public string Path { get; set; } = "inbox";

    /// <summary>
    /// Seconds a file's size and modification time must stay unchanged before it is taken. Default 10:
    /// scanners write large files slowly and in bursts.
    /// </summary>
    public double QuietPeriodSeconds { get; set; } = 10;

    /// <summary>Seconds between full rescans, which catch what file-system events missed (their buffer overflows). Default 5.</summary>
    public double RescanIntervalSeconds { get; set; } = 5;

    /// <summary>
    /// Seconds one entry may take at intake (opening it, and hashing a file that does not open as a slide). Default
    /// 120. A file whose content cannot be read within it is refused with a reason note; intake runs beside the watcher,
    /// so a slow entry never holds back the others.
    /// </summary>
    public double IntakeTimeoutSeconds { get; set; } = 120;

    /// <summary>Entries taken at the same time, each on its own worker. Default 2 (1 to 16).</summary>
    public int IntakeWorkers { get; set; } = 2;

    /// <summary>
    /// Seconds before a file that could not be taken for a passing reason (the journal locked or unwritable, the file
    /// replaced while being read) is tried again; doubled on each try, up to ten times this. Default 5.
    /// </summary>
    public double RetrySeconds { get; set; } = 5;

    /// <summary><c>Move</c> finished slides to <see cref="DoneFolder"/> (default), or <c>Leave</c> them in place.</summary>
    public string AfterProcessing { get; set; } = "Move";

    /// <summary>Where finished slides go. Default <c>done</c> inside the inbox.</summary>
    public string? DoneFolder { get; set; }

    /// <summary>Where unreadable slides go, each with a <c>.reason.txt</c>. Default <c>failed</c> inside the inbox.</summary>
    public string? FailedFolder { get; set; }

    /// <summary>The done folder, resolved.</summary>
    public string DonePath => System.IO.Path.GetFullPath(DoneFolder ?? System.IO.Path.Combine(Path, "done"));

    /// <summary>The failed folder, resolved.</summary>
    public string FailedPath => System.IO.Path.GetFullPath(FailedFolder ?? System.IO.Path.Combine(Path, "failed"));

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            yield return $"{Section}:{nameof(Path)} must name a folder.";
        }

        if (!(QuietPeriodSeconds >= 0))
        {
            yield return $"{Section}:{nameof(QuietPeriodSeconds)} must be zero or positive (is {QuietPeriodSeconds}).";
        }

        if (!(RescanIntervalSeconds > 0))
        {
            yield return $"{Section}:{nameof(RescanIntervalSeconds)} must be positive (is {RescanIntervalSeconds}).";
        }

        if (!(IntakeTimeoutSeconds > 0))
        {
            yield return $"{Section}:{nameof(IntakeTimeoutSeconds)} must be positive (is {IntakeTimeoutSeconds}).";
        }

        if (IntakeWorkers is < 1 or > 16)
        {
            yield return $"{Section}:{nameof(IntakeWorkers)} must be between 1 and 16 (is {IntakeWorkers}).";
        }

        if (!(RetrySeconds > 0))
        {
            yield return $"{Section}:{nameof(RetrySeconds)} must be positive (is {RetrySeconds}).";
        }

        if (AfterProcessing is not ("Move" or "Leave"))
        {
            yield return $"{Section}:{nameof(AfterProcessing)} must be 'Move' or 'Leave' (is '{AfterProcessing}').";
        }
    }
}
