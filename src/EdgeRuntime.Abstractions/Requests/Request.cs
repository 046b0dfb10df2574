using System.Text.Json.Nodes;

namespace EdgeRuntime.Abstractions.Requests;

/// <summary>A named request and who sent it.</summary>
/// <param name="Name">What is asked: <c>plugins/list</c>, or a task's <c>tasks/{task}/{request}</c>.</param>
/// <param name="Body">The request's JSON body (empty when it had none).</param>
/// <param name="Role">The caller's role.</param>
/// <param name="Origin">Where it came from, for the log (<c>mqtt admin</c>, <c>mqtt requests</c>, <c>cli</c>).</param>
/// <param name="Correlation">What ties the answer to the asker (MQTT 5 correlation data), for the log and events.</param>
public sealed record Request(string Name, JsonObject Body, CallerRole Role, string Origin, string Correlation);

/// <summary>Answers a request: the reply's body. Throw <see cref="RequestRefusedException"/> to refuse it with a reason.</summary>
public delegate ValueTask<JsonObject> RequestHandler(Request request, CancellationToken cancellationToken);

/// <summary>A request refused with a reason the caller sees (a missing field, an unknown id): not a failure of the handler.</summary>
/// <param name="reason">What is wrong, naming the field.</param>
public sealed class RequestRefusedException(string reason) : Exception(reason);
