using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Ingest.Journal;
using EdgeRuntime.Plugins;
using EdgeRuntime.Publishing.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Publishing.Admin;

/// <summary>
/// Carries out admin commands received over MQTT, one at a time, through the same <see cref="PluginController"/>
/// as the box's own CLI, and replies on the requester's response topic with its correlation data:
/// <c>plugins/list</c>, <c>plugins/activate</c> (<c>{"kind","id","version"}</c>) and <c>plugins/deactivate</c>
/// (<c>{"kind","id"}</c>). Every reply carries <c>ok</c>, and <c>reason</c> when the command was refused.
/// Who may send commands is the broker's business (the embedded broker's admin user, or the external broker's ACL).
/// </summary>
public sealed class AdminCommandService(MqttOptions options, AdminMailbox queue, PluginController controller, PluginOptions plugins, ILogger<AdminCommandService> logger) : BackgroundService
{
    /// <summary>Commands understood, relative to <c>{prefix}/{node}/admin/</c>.</summary>
    public static IReadOnlyList<string> Commands { get; } = ["plugins/list", "plugins/activate", "plugins/deactivate"];

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var request in queue.Requests.ReadAllAsync(stoppingToken))
            {
                var correlation = request.CorrelationData is { Length: > 0 } data ? Encoding.UTF8.GetString(data) : "(none)";
                AdminLog.Received(logger, request.Command, correlation);
                JsonObject answer;
                try
                {
                    answer = await HandleAsync(request, correlation, stoppingToken);
                }
                catch (AdminRequestException e)
                {
                    answer = Refused(e.Message);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One command's failure must not end the admin channel, let alone the service.
                    AdminLog.Failed(logger, e, request.Command, correlation);
                    answer = Refused($"the command failed: {e.Message}");
                }

                var ok = answer["ok"]!.GetValue<bool>();
                var reason = answer["reason"]?.GetValue<string>() ?? string.Empty;
                AdminLog.Answered(logger, request.Command, correlation, ok, reason);
                queue.Reply(ReplyTo(request, answer));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: commands not yet carried out get no reply; the requester's own timeout tells it.
        }
    }

    /// <summary>The "busy" reply for a request the queue had no room for.</summary>
    public static AdminReply Busy(MqttOptions options, AdminRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ReplyTo(options, request, Refused($"{options.AdminQueueLength} admin commands are already waiting; try again shortly."));
    }

    private async Task<JsonObject> HandleAsync(AdminRequest request, string correlation, CancellationToken cancellationToken)
    {
        if (!plugins.Enabled)
        {
            return Refused($"plugins are off on this node ({PluginOptions.Section}:{nameof(PluginOptions.Root)} is empty).");
        }

        switch (request.Command)
        {
            case "plugins/list":
                var list = controller.Describe();
                list["ok"] = true;
                return list;
            case "plugins/activate":
                {
                    var body = Body(request);
                    var plugin = new PluginRef(Kind(body), Field(body, "id"), Field(body, "version"));
                    return Answer(await controller.ActivateAsync(plugin, "mqtt admin", correlation, cancellationToken));
                }

            case "plugins/deactivate":
                {
                    var body = Body(request);
                    var plugin = new PluginRef(Kind(body), Field(body, "id"), "*");
                    return Answer(await controller.DeactivateAsync(plugin, "mqtt admin", correlation, cancellationToken));
                }

            default:
                return Refused($"unknown command '{request.Command}'; known: {string.Join(", ", Commands)}.");
        }
    }

    private JsonObject Answer(PluginOutcome outcome)
    {
        var answer = outcome.Accepted ? new JsonObject { ["ok"] = true } : Refused(outcome.Reason!);
        answer["active"] = controller.Describe()["active"]!.DeepClone();
        return answer;
    }

    private static JsonObject Refused(string reason) => new() { ["ok"] = false, ["reason"] = reason };

    private AdminReply ReplyTo(AdminRequest request, JsonObject answer) => ReplyTo(options, request, answer);

    private static AdminReply ReplyTo(MqttOptions options, AdminRequest request, JsonObject answer)
    {
        answer["schemaVersion"] = StateMessages.SchemaVersion;
        answer["command"] = request.Command;
        return new AdminReply(string.IsNullOrEmpty(request.ResponseTopic) ? options.AdminReplyRoot : request.ResponseTopic, answer, request.CorrelationData);
    }

    private static JsonObject Body(AdminRequest request)
    {
        try
        {
            return JsonNode.Parse(request.Payload) as JsonObject ?? throw new AdminRequestException("payload: expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new AdminRequestException($"payload: not valid JSON ({e.Message}).");
        }
    }

    private static string Kind(JsonObject body)
    {
        var kind = Field(body, "kind");
        return PluginRef.Kinds.Contains(kind) ? kind : throw new AdminRequestException($"payload: field 'kind' is '{kind}'; expected one of {string.Join(", ", PluginRef.Kinds)}.");
    }

    private static string Field(JsonObject body, string name)
    {
        var value = body[name] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new AdminRequestException($"payload: field '{name}' is missing or not a string.");
        }

        if (!PluginRef.IsFolderName(value))
        {
            throw new AdminRequestException($"payload: field '{name}' ('{value}') must be a plain folder name.");
        }

        return value;
    }

    private sealed class AdminRequestException(string message) : Exception(message);
}
