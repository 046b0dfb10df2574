using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Runtime.Requests;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins.Tasks;

/// <summary>
/// What a contract-2 plugin's <see cref="ITaskModule"/> registers with. It collects the registrations and checks
/// them as they come (names, duplicates), so that a plugin that registers nonsense is refused whole.
/// </summary>
internal sealed class TaskRegistrar(TaskHost host, string plugin) : ITaskRegistrar
{
    private static readonly IReadOnlyDictionary<string, string> NoSettings = new Dictionary<string, string>();

    public List<ISlideTask> Tasks { get; } = [];

    public List<IAsyncDisposable> Services { get; } = [];

    public List<RegisteredRequest> Requests { get; } = [];

    public ILogger CreateLogger(string category) => host.Loggers.CreateLogger(category);

    public IQueryEncoder QueryEncoder => host.Queries ?? NoModel.Instance;

    public string StateDirectory(string taskName) => host.StateDirectory(Name(taskName, nameof(taskName)));

    public IReadOnlyDictionary<string, string> Settings(string taskName) => host.Settings.TryGetValue(taskName, out var own) ? own : NoSettings;

    public void AddTask(ISlideTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        Name(task.Name, "task name");
        Tasks.Add(task);
    }

    public void AddService(IAsyncDisposable service)
    {
        ArgumentNullException.ThrowIfNull(service);
        Services.Add(service);
    }

    public void AddRequestHandler(string taskName, string requestName, CallerRole minimumRole, RequestHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var name = RegisteredRequest.TaskRequestName(Name(taskName, nameof(taskName)), Name(requestName, nameof(requestName)));
        if (Requests.Any(r => r.Name == name))
        {
            throw new InvalidDataException($"{plugin}: request '{name}' is registered twice.");
        }

        Requests.Add(new RegisteredRequest(name, minimumRole, handler, plugin));
    }

    private sealed class NoModel : IQueryEncoder
    {
        public static readonly NoModel Instance = new();

        public ModelIdentity? Model => null;

        public ValueTask<QueryEmbedding> EncodeTextAsync(string text, CancellationToken cancellationToken) =>
            throw new RequestRefusedException("no model is loaded in this process to encode the text; send a vector with its model, or ask the running service.");
    }

    // A name is one topic level: MQTT routes on it, and a slash or a wildcard would let one name shadow another.
    private string Name(string value, string what) =>
        !string.IsNullOrWhiteSpace(value) && value.IndexOfAny(['/', '+', '#', ' ']) < 0 && value != "." && value != ".."
            ? value
            : throw new InvalidDataException($"{plugin}: {what} '{value}' must be one word without '/', '+', '#' or spaces.");
}
