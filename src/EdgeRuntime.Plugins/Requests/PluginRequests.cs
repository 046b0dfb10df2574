using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Requests;

namespace EdgeRuntime.Plugins.Requests;

/// <summary>
/// The admin requests that change plugins, all through the same <see cref="PluginController"/> as the box's CLI:
/// <c>plugins/list</c>, <c>plugins/activate</c> (<c>{"kind","id","version"}</c>, and for a prototype set
/// optionally <c>"tasks": [names]</c>) and <c>plugins/deactivate</c> (<c>{"kind","id"}</c>). Admin role only.
/// </summary>
internal static class PluginRequests
{
    /// <summary>Registers the three requests.</summary>
    public static void Register(RequestRegistry registry, PluginController controller, PluginOptions plugins)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(plugins);
        registry.Add("plugins/list", CallerRole.Admin, (request, _) =>
        {
            Enabled(plugins);
            return ValueTask.FromResult(controller.Describe());
        });
        registry.Add("plugins/activate", CallerRole.Admin, async (request, cancellationToken) =>
        {
            Enabled(plugins);
            var plugin = new PluginRef(Kind(request.Body), Field(request.Body, "id"), Field(request.Body, "version"));
            return Answer(controller, await controller.ActivateAsync(plugin, Tasks(request.Body), request.Origin, request.Correlation, cancellationToken).ConfigureAwait(false));
        });
        registry.Add("plugins/deactivate", CallerRole.Admin, async (request, cancellationToken) =>
        {
            Enabled(plugins);
            var plugin = new PluginRef(Kind(request.Body), Field(request.Body, "id"), "*");
            return Answer(controller, await controller.DeactivateAsync(plugin, request.Origin, request.Correlation, cancellationToken).ConfigureAwait(false));
        });
    }

    private static void Enabled(PluginOptions plugins)
    {
        if (!plugins.Enabled)
        {
            throw new RequestRefusedException($"plugins are off on this node ({PluginOptions.Section}:{nameof(PluginOptions.Root)} is empty).");
        }
    }

    private static JsonObject Answer(PluginController controller, PluginOutcome outcome)
    {
        var answer = outcome.Accepted ? new JsonObject { ["ok"] = true } : RequestDispatcher.Refused(outcome.Reason!);
        answer["active"] = controller.Describe()["active"]!.DeepClone();
        return answer;
    }

    private static string Kind(JsonObject body)
    {
        var kind = Field(body, "kind");
        return PluginRef.Kinds.Contains(kind) ? kind : throw new RequestRefusedException($"payload: field 'kind' is {RequestFields.Quote(kind)}; expected one of {string.Join(", ", PluginRef.Kinds)}.");
    }

    // A prototype set serves a few tasks; 64 is far more than any node runs.
    private static List<string>? Tasks(JsonObject body) =>
        RequestFields.OptionalArray(body, "tasks", 64)?.Select((n, i) => RequestFields.Id(n, $"tasks[{i}]")).ToList();

    // Bounded before anything else reads it: an id reaches the controller, its log, the journal and every
    // plugins/events subscriber.
    private static string Field(JsonObject body, string name)
    {
        var value = RequestFields.RequiredId(body, name);
        return PluginRef.IsFolderName(value) ? value
            : throw new RequestRefusedException($"payload: field '{name}' ({RequestFields.Quote(value)}) must be a plain folder name.");
    }
}
