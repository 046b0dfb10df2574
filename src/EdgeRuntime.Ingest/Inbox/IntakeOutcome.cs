namespace EdgeRuntime.Ingest.Inbox;

/// <summary>What came of one inbox entry at intake.</summary>
internal enum IntakeOutcome
{
    /// <summary>Recorded as pending; the processor is woken.</summary>
    Accepted,

    /// <summary>Opened, but not as a slide: recorded as failed and moved to the failed folder with its reason.</summary>
    Failed,

    /// <summary>The same content as a slide already in the journal.</summary>
    Duplicate,

    /// <summary>The same file where it was found, already in the journal (a rescan, a restart).</summary>
    Known,

    /// <summary>Not a regular file, or not readable within the time bound: never read, not in the journal; a reason note says why.</summary>
    Refused,

    /// <summary>No longer there.</summary>
    Gone,
}
