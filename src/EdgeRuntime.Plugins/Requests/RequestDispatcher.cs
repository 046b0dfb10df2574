using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Runtime.Requests;
using EdgeRuntime.Runtime.Swapping;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins.Requests;

/// <summary>
/// Answers a named request from any transport (MQTT, the CLI): a host request from the <see cref="RequestRegistry"/>,
/// or <c>tasks/{task}/{request}</c> from the active task set, under a lease so that a swap cannot unload the plugin
/// while it answers. The caller's role is checked before any handler runs. Every answer has <c>ok</c>, and
/// <c>reason</c> when refused; a handler that throws, or a plugin's that takes longer than the task timeout, is a
/// refusal, never the end of the service.
/// </summary>
public sealed class RequestDispatcher(RequestRegistry registry, TaskProvider tasks, ProcessingOptions processing, ILogger<RequestDispatcher> logger)
{
    /// <summary>Answers <paramref name="request"/>.</summary>
    public async Task<JsonObject> DispatchAsync(Request request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (RequestBody.NameError(request.Name) is { } wrongName)
        {
            return Refused(wrongName);
        }

        if (registry.Find(request.Name) is { } own)
        {
            return await CallAsync(own, request, cancellationToken).ConfigureAwait(false);
        }

        using var lease = tasks.Acquire();
        var task = lease.Value.Requests.FirstOrDefault(r => r.Name == request.Name);
        if (task is null)
        {
            var known = registry.Names.Concat(lease.Value.Requests.Select(r => r.Name));
            return Refused($"unknown request {RequestFields.Quote(request.Name)}; known: {string.Join(", ", known)}.");
        }

        return await CallAsync(task, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The refusal answer.</summary>
    public static JsonObject Refused(string reason) => new() { ["ok"] = false, ["reason"] = reason };

    private async Task<JsonObject> CallAsync(RegisteredRequest registered, Request request, CancellationToken cancellationToken)
    {
        if (request.Role < registered.MinimumRole)
        {
            return Refused($"{request.Name} needs the {Name(registered.MinimumRole)} role; this request came as {Name(request.Role)} ({request.Origin}).");
        }

        // A plugin's handler runs on the pool under the task timeout, as its tasks do; the host's own (activating a
        // model may take minutes on a CPU) run to their end. The deadline cancels the handler's token as well as
        // ending the wait: a search or a tokenisation stops its work, rather than spinning on unanswered.
        var timeout = registered.Plugin == RequestRegistry.Host ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(processing.TaskTimeoutSeconds);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var work = deadline.Token;
        var call = Task.Run(() => registered.Handler(request, work).AsTask(), CancellationToken.None);
        try
        {
            var answer = await call.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            answer["ok"] ??= true;
            return answer;
        }
        catch (RequestRefusedException e)
        {
            return Refused(e.Message);
        }
        catch (Exception e) when ((e is TimeoutException && !call.IsCompleted) || (e is OperationCanceledException && work.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            return Refused(string.Create(CultureInfo.InvariantCulture, $"{request.Name} did not answer within {timeout.TotalSeconds:0.#} s ({registered.Plugin}); its work was cancelled."));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            RequestLog.Failed(logger, e, request.Name, registered.Plugin);
            return Refused($"{request.Name} failed in {registered.Plugin}: {e.Message}");
        }
    }

    /// <summary>A role as the messages and the CLI name it.</summary>
    public static string Name(CallerRole role) => role switch
    {
        CallerRole.Admin => "admin",
        CallerRole.Service => "service",
        _ => "read-only",
    };
}
