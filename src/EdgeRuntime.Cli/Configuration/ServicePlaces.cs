using EdgeRuntime.Engine.Running;
using EdgeRuntime.Ingest.Inbox;
using EdgeRuntime.Journal;

namespace EdgeRuntime.Cli.Configuration;

/// <summary>
/// The places the service writes, as the configuration names them (the inbox and its done and failed folders, the
/// journal, the tasks' state), checked as <c>--out</c> and <c>-o</c> are (<see cref="OutputFolderCheck"/>,
/// <see cref="OutputFileCheck"/>) before the model is loaded. Found only when the host started, an inbox that is a
/// file was reported after the model (so a bad model hid it) and then in .NET's words with a stack trace.
/// </summary>
internal static class ServicePlaces
{
    /// <summary>Throws <see cref="SettingsException"/> (exit 2) with every place that cannot be written, each with its key.</summary>
    public static void Require(EdgertSettings settings)
    {
        if (Problems(settings) is { Count: > 0 } problems)
        {
            throw new SettingsException(problems);
        }
    }

    /// <summary>Every place that cannot be written: "KEY: PATH: what is wrong".</summary>
    public static IReadOnlyList<string> Problems(EdgertSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var inbox = settings.Inbox;
        var problems = new List<string>();
        void Folder(string key, string path, string noun)
        {
            if (OutputFolderCheck.Problem(Path.GetFullPath(path), noun) is { } why)
            {
                problems.Add($"{key}: {Path.GetFullPath(path)}: {why}");
            }
        }

        Folder($"{InboxOptions.Section}:{nameof(InboxOptions.Path)}", inbox.Path, "incoming slides");

        // Left unset, they sit in the inbox: its own problem says it all.
        if (inbox.DoneFolder is { Length: > 0 })
        {
            Folder($"{InboxOptions.Section}:{nameof(InboxOptions.DoneFolder)}", inbox.DonePath, "finished slides");
        }

        if (inbox.FailedFolder is { Length: > 0 })
        {
            Folder($"{InboxOptions.Section}:{nameof(InboxOptions.FailedFolder)}", inbox.FailedPath, "failed slides");
        }

        var journal = Path.GetFullPath(settings.Journal.DatabasePath);
        if (OutputFileCheck.Problem(journal, "the journal") is { } journalProblem)
        {
            problems.Add($"{JournalOptions.Section}:{nameof(JournalOptions.DatabasePath)}: {journal}: {journalProblem}");
        }

        // Not the results folder: a store that cannot be written is waited for slide by slide (an unmounted share at
        // boot), never refused at start (docs/architecture.md, "An unavailable results store is not the slide's fault").
        Folder($"{EngineOptions.Section}:{nameof(EngineOptions.TaskStateDirectory)}", settings.Processing.TaskStateDirectory, "the tasks' state");
        return problems;
    }
}
