namespace EdgeRuntime.Journal.Events;

/// <summary>The kinds of <see cref="JournalEvent"/>. Only added to: a sink skips a kind it does not know.</summary>
public static class EventKinds
{
    /// <summary>A complete slide was found and recorded as pending. Data: <c>file</c>.</summary>
    public const string SlideAccepted = "slide.accepted";

    /// <summary>Processing started. Data: <c>file</c>, <c>attempt</c>.</summary>
    public const string SlideStarted = "slide.started";

    /// <summary>The slide is done. Data: <c>file</c>, <c>result</c> (the result document).</summary>
    public const string SlideDone = "slide.done";

    /// <summary>The slide could not be processed. Data: <c>file</c>, <c>reason</c>.</summary>
    public const string SlideFailed = "slide.failed";

    /// <summary>
    /// The slide was being processed when the service stopped (uncleanly, or without finishing it), and is pending
    /// again. Data: <c>file</c>, <c>attempt</c>, <c>reason</c>.
    /// </summary>
    public const string SlideInterrupted = "slide.interrupted";

    /// <summary>
    /// A file dropped with the same content as a slide already known, under another name: not processed again.
    /// Data: <c>file</c> (the new name), <c>firstFile</c> (the name it was known by), <c>state</c> (the slide's).
    /// </summary>
    public const string SlideDuplicate = "slide.duplicate";

    /// <summary>A plugin change is in effect. Data: <c>origin</c>, <c>plugins</c>.</summary>
    public const string PluginActivated = "plugin.activated";

    /// <summary>A plugin change was refused; what ran goes on. Data: <c>origin</c>, <c>plugins</c>, <c>reason</c>.</summary>
    public const string PluginRefused = "plugin.refused";

    /// <summary>A complete new plugin version appeared under the plugins root. Data: <c>origin</c>, <c>plugins</c>.</summary>
    public const string PluginAvailable = "plugin.available";

    /// <summary>What runs now (model, prompts, tasks with their hashes). Data: <c>model</c>, <c>prompts</c>, <c>tasks</c>.</summary>
    public const string PluginsActive = "plugins.active";

    /// <summary>A message queued by a version before events (journal schema 1): its MQTT topic, payload and retain flag, passed through.</summary>
    public const string LegacyMqtt = "legacy.mqtt";
}
