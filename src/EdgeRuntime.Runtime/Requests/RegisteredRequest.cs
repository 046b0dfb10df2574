using EdgeRuntime.Abstractions.Requests;

namespace EdgeRuntime.Runtime.Requests;

/// <summary>A request a plugin answers, with the role a caller needs and the plugin that answers it.</summary>
/// <param name="Name">The full request name, <c>tasks/{task}/{request}</c>.</param>
/// <param name="MinimumRole">The least role a caller needs.</param>
/// <param name="Handler">What answers it.</param>
/// <param name="Plugin">Which plugin version registered it (<c>tasks/{id}/{version}</c>).</param>
public sealed record RegisteredRequest(string Name, CallerRole MinimumRole, RequestHandler Handler, string Plugin)
{
    /// <summary>The name of request <paramref name="request"/> of task <paramref name="task"/>.</summary>
    public static string TaskRequestName(string task, string request) => $"tasks/{task}/{request}";
}
