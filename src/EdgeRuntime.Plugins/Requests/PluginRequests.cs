using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Plugins.Control;

namespace EdgeRuntime.Plugins.Requests;

/// <summary>
/// The admin requests that change plugins, all through the same <see cref="PluginController"/> as the box's CLI:
/// <c>plugins/list</c>, <c>plugins/activate</c> (<c>{"kind","id","version"}</c>, and for a prototype set
/// optionally <c>"tasks": [names]</c>; or <c>{"parts": [...]}</c> of those, activated as one change) and <c>plugins/deactivate</c> (<c>{"kind","id"}</c>). Admin role only.
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
            if (Parts(request.Body) is { } parts)
            {
                return Answer(controller, await controller.ActivateAllAsync(parts, request.Origin, request.Correlation, cancellationToken).ConfigureAwait(false));
            }

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

    private static string Kind(JsonObject body, string? path = null)
    {
        var kind = Field(body, "kind", path);
        return PluginRef.Kinds.Contains(kind) ? kind : throw new RequestRefusedException($"payload: field '{path ?? "kind"}' is {RequestFields.Quote(kind)}; expected one of {string.Join(", ", PluginRef.Kinds)}.");
    }

    // Several versions as one change: {"parts": [{"kind","id","version"[,"tasks"]}, ...]}, at most one per plugin
    // kind and id (a model, a prompt set, a few tasks and prototype sets: 16 is far more than one change needs).
    private static List<PluginPart>? Parts(JsonObject body)
    {
        if (RequestFields.OptionalArray(body, "parts", 16) is not { } parts)
        {
            return null;
        }

        if (body.ContainsKey("kind") || body.ContainsKey("id") || body.ContainsKey("version"))
        {
            throw new RequestRefusedException("payload: give either 'parts' or 'kind', 'id' and 'version', not both.");
        }

        return [.. parts.Select((node, i) => node is JsonObject part
            ? new PluginPart(new PluginRef(Kind(part, $"parts[{i}].kind"), Field(part, "id", $"parts[{i}].id"), Field(part, "version", $"parts[{i}].version")), Tasks(part))
            : throw new RequestRefusedException($"payload: parts[{i}] is {RequestFields.KindOf(node)}; expected an object with 'kind', 'id' and 'version'."))];
    }

    // A prototype set serves a few tasks; 64 is far more than any node runs.
    private static List<string>? Tasks(JsonObject body) =>
        RequestFields.OptionalArray(body, "tasks", 64)?.Select((n, i) => RequestFields.Id(n, $"tasks[{i}]")).ToList();

    // Bounded before anything else reads it: an id reaches the controller, its log, the journal and every
    // plugins/events subscriber.
    private static string Field(JsonObject body, string name, string? path = null)
    {
        var value = RequestFields.RequiredId(body, path ?? name);
        return PluginRef.IsFolderName(value) ? value
            : throw new RequestRefusedException($"payload: field '{path ?? name}' ({RequestFields.Quote(value)}) must be a plain folder name.");
    }
}
