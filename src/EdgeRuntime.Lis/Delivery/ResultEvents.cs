using System.Text.Json.Nodes;
using EdgeRuntime.Journal.Events;

namespace EdgeRuntime.Lis.Delivery;

/// <summary>The result document a slide.done event carries, for the LIS sinks (every other kind is not theirs).</summary>
internal static class ResultEvents
{
    public static JsonObject? ResultOf(JournalEvent journalEvent) =>
        journalEvent.Kind == EventKinds.SlideDone ? journalEvent.Data["result"] as JsonObject : null;
}
