using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Runtime.Requests;

namespace EdgeRuntime.Plugins.Requests;

/// <summary>
/// The host's own requests by name (<c>plugins/list</c>, <c>plugins/activate</c>...), each with the role it needs.
/// Components register theirs at start; tasks' requests come from the active task set (<see cref="RequestDispatcher"/>).
/// </summary>
public sealed class RequestRegistry
{
    /// <summary>What <see cref="RegisteredRequest.Plugin"/> says of the host's own requests.</summary>
    public const string Host = "host";

    private readonly Dictionary<string, RegisteredRequest> requests = new(StringComparer.Ordinal);

    /// <summary>The names registered, sorted.</summary>
    public IReadOnlyList<string> Names => [.. requests.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Registers request <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">The name is taken, or under <c>tasks/</c> (the task plugins' own).</exception>
    public void Add(string name, CallerRole minimumRole, RequestHandler handler)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.StartsWith("tasks/", StringComparison.Ordinal) || !requests.TryAdd(name, new RegisteredRequest(name, minimumRole, handler, Host)))
        {
            throw new InvalidOperationException($"Request '{name}' is already registered, or belongs to the task plugins.");
        }
    }

    /// <summary>The host request <paramref name="name"/>, if registered.</summary>
    public RegisteredRequest? Find(string name) => requests.GetValueOrDefault(name);
}
