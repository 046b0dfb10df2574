using System.Text.Json.Nodes;

namespace EdgeRuntime.Journal.Events;

/// <summary>The events of a slide's life, as the stages queue them with its state changes.</summary>
public static class SlideEvents
{
    /// <summary>Found complete and recorded as pending.</summary>
    public static JournalEvent Accepted(string slideId, string path) => Of(EventKinds.SlideAccepted, slideId, path, []);

    /// <summary>Back to pending after an attempt that ended for a reason outside the slide, which <paramref name="reason"/> says.</summary>
    public static JournalEvent Requeued(string slideId, string path, string reason) => Of(EventKinds.SlideAccepted, slideId, path, new() { ["reason"] = reason });

    /// <summary>Processing started (attempt <paramref name="attempt"/>).</summary>
    public static JournalEvent Started(string slideId, string path, int attempt) => Of(EventKinds.SlideStarted, slideId, path, new() { ["attempt"] = attempt });

    /// <summary>Done, with its result document.</summary>
    public static JournalEvent Done(string slideId, string path, JsonObject result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Of(EventKinds.SlideDone, slideId, path, new() { ["result"] = result.DeepClone() });
    }

    /// <summary>Was being processed (attempt <paramref name="attempt"/>) when the service stopped; pending again, as <paramref name="reason"/> says.</summary>
    public static JournalEvent Interrupted(string slideId, string path, int attempt, string reason) =>
        Of(EventKinds.SlideInterrupted, slideId, path, new() { ["attempt"] = attempt, ["reason"] = reason });

    /// <summary>The file at <paramref name="path"/> is slide <paramref name="slideId"/> again, first known as <paramref name="firstPath"/>.</summary>
    public static JournalEvent Duplicate(string slideId, string path, string firstPath, SlideState state) =>
        Of(EventKinds.SlideDuplicate, slideId, path, new() { ["firstFile"] = Path.GetFileName(firstPath), ["state"] = state.ToString().ToLowerInvariant() });

    /// <summary>Could not be processed, and why.</summary>
    public static JournalEvent Failed(string slideId, string path, string reason) => Of(EventKinds.SlideFailed, slideId, path, new() { ["reason"] = reason });

    private static JournalEvent Of(string kind, string slideId, string path, JsonObject data)
    {
        data["file"] = Path.GetFileName(path);
        return new JournalEvent(0, kind, slideId, slideId, data, DateTimeOffset.UtcNow);
    }
}
