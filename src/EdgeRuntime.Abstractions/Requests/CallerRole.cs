namespace EdgeRuntime.Abstractions.Requests;

/// <summary>
/// Who is asking, as the transport established it: an MQTT request's topic tree (which the broker's ACL grants per
/// account), or the box's own CLI. Ordered: a handler that needs <see cref="Service"/> also accepts <see cref="Admin"/>.
/// </summary>
public enum CallerRole
{
    /// <summary>A subscriber such as an LIS: may read and query, never change.</summary>
    ReadOnly = 0,

    /// <summary>The service's own account.</summary>
    Service = 1,

    /// <summary>An administrator: may change what runs and reset state.</summary>
    Admin = 2,
}
