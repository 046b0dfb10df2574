namespace EdgeRuntime.Journal;

/// <summary>Where a slide is in its life. Stored as text in the journal.</summary>
public enum SlideState
{
    /// <summary>Found complete in the inbox, waiting to be processed.</summary>
    Pending,

    /// <summary>Being processed. Found so at start-up, it was interrupted and goes back to <see cref="Pending"/>.</summary>
    Processing,

    /// <summary>Processed; its results are written and their messages queued.</summary>
    Done,

    /// <summary>Could not be processed; the reason is recorded.</summary>
    Failed,
}
