using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Requests;

namespace EdgeRuntime.Plugins.Requests;

/// <summary>
/// The admin requests that change plugins, all through the same <see cref="PluginController"/> as the box's CLI:
/// <c>plugins/list</c>, <c>plugins/activate</c> (<c>{"kind","id","version"}</c>, and for a prototype set
/// optionally <c>"tasks": [names]</c>) and <c>plugins/deactivate</c> (<c>{"kind","id"}</c>). Admin role only.
/// </summary>
public static class PluginRequests
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
        return PluginRef.Kinds.Contains(kind) ? kind : throw new RequestRefusedException($"payload: field 'kind' is '{kind}'; expected one of {string.Join(", ", PluginRef.Kinds)}.");
    }

    private static List<string>? Tasks(JsonObject body)
    {
        if (body["tasks"] is null)
        {
            return null;
        }

        if (body["tasks"] is not JsonArray names || names.Any(n => n is not JsonValue v || !v.TryGetValue<string>(out var s) || string.IsNullOrWhiteSpace(s)))
        {
            throw new RequestRefusedException("payload: field 'tasks' must be an array of task names.");
        }

        return names.Select(n => n!.GetValue<string>()).ToList();
    }

    private static string Field(JsonObject body, string name)
    {
        var value = body[name] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new RequestRefusedException($"payload: field '{name}' is missing or not a string.");
        }

        if (!PluginRef.IsFolderName(value))
        {
            throw new RequestRefusedException($"payload: field '{name}' ('{value}') must be a plain folder name.");
        }

        return value;
    }
}
