using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Runtime.Swapping;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRuntime.Plugins.Tasks;

/// <summary>What the host gives a task plugin when it loads: logging, the task state folders, the tasks' settings.</summary>
/// <param name="Loggers">Where plugins log.</param>
/// <param name="StateRoot">The folder of every task's state folder (<c>Processing:TaskStateDirectory</c>).</param>
/// <param name="Settings">Every task's settings (<c>Processing:TaskSettings</c>).</param>
/// <param name="Queries">The active model's text tower for requests; null where the process loads no model.</param>
public sealed record TaskHost(ILoggerFactory Loggers, string StateRoot, IReadOnlyDictionary<string, Dictionary<string, string>> Settings, IQueryEncoder? Queries = null)
{
    /// <summary>The host of a service or command configured by <paramref name="processing"/>, with the models of <paramref name="models"/> for queries.</summary>
    public static TaskHost For(ProcessingOptions processing, ILoggerFactory loggers, ModelProvider? models = null)
    {
        ArgumentNullException.ThrowIfNull(processing);
        return new TaskHost(loggers, processing.TaskStateDirectory, processing.TaskSettings, models is null ? null : new ActiveModelQueryEncoder(models));
    }

    /// <summary>Defaults and no logging: for checking that a plugin loads (<c>edgert plugins activate</c>).</summary>
    public static TaskHost Quiet { get; } = For(new ProcessingOptions(), NullLoggerFactory.Instance);

    /// <summary>Task <paramref name="taskName"/>'s state folder (named, not made).</summary>
    public string StateDirectory(string taskName) => Path.GetFullPath(Path.Combine(StateRoot, taskName));
}
