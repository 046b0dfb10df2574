using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Abstractions.Requests;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>
/// What a <see cref="ITaskModule"/> registers with, once, when its plugin version loads. Everything registered lives
/// as long as that version is active and in use: services are disposed, and handlers forgotten, once a swap has
/// replaced the version and its last slide has ended.
/// </summary>
public interface ITaskRegistrar
{
    /// <summary>A logger for the plugin's own messages (the host's logging; a slide's run gets one with the slide id in scope).</summary>
    ILogger CreateLogger(string category);

    /// <summary>The folder that outlives slides and versions for task <paramref name="taskName"/> (named, not made).</summary>
    string StateDirectory(string taskName);

    /// <summary>Task <paramref name="taskName"/>'s settings (<c>EdgeRuntime:Processing:TaskSettings:{task}</c>); empty when none.</summary>
    IReadOnlyDictionary<string, string> Settings(string taskName);

    /// <summary>The active model's text tower, for requests that encode a query (added in 2.1).</summary>
    IQueryEncoder QueryEncoder { get; }

    /// <summary>Adds a task that runs on every slide.</summary>
    void AddTask(ISlideTask task);

    /// <summary>Adds a long-lived service the host disposes when the plugin version is released (after its last slide).</summary>
    void AddService(IAsyncDisposable service);

    /// <summary>
    /// Answers request <c>tasks/{taskName}/{requestName}</c> (over MQTT 5 request/response and <c>edgert tasks request</c>)
    /// for callers with at least <paramref name="minimumRole"/>; others are refused without the handler being called.
    /// </summary>
    void AddRequestHandler(string taskName, string requestName, CallerRole minimumRole, RequestHandler handler);
}
