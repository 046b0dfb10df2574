namespace EdgeRuntime.Foundation;

/// <summary>
/// The configuration a component binds its own section from while it registers itself (its <c>AddX</c>): each
/// section is bound once into its options type, its relative paths made full by the host's one rule, and the problems
/// the component finds are kept, so that the host reports every component's together, each with its configuration
/// path, before anything is built or started.
/// </summary>
public interface IConfigurationSections
{
    /// <summary>
    /// The options bound from <paramref name="section"/> (its full path, such as <c>EdgeRuntime:Inbox</c>): the same
    /// object on every call, so that two components reading one section share it.
    /// </summary>
    T Bind<T>(string section)
        where T : class, new();

    /// <summary>Keeps <paramref name="problems"/>, each naming its configuration path, for the report at start.</summary>
    void Refuse(IEnumerable<string> problems);
}
