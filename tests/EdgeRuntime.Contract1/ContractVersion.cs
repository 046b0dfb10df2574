namespace EdgeRuntime.Abstractions;

/// <summary>
/// Version of the plugin contract in this assembly. A plugin records the version it was built against;
/// the host refuses a plugin whose major version differs from <see cref="Major"/>.
/// </summary>
public static class ContractVersion
{
    /// <summary>Incremented on any breaking change to a public type in this assembly.</summary>
    public const int Major = 1;

    /// <summary>Incremented when members are added without breaking existing plugins.</summary>
    public const int Minor = 1;

    /// <summary>The version as text, <c>Major.Minor</c>.</summary>
    public static string Text => $"{Major}.{Minor}";
}
