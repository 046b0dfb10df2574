namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>
/// The entry point of a contract-2 task plugin: one public type per plugin that registers everything the plugin
/// offers through <see cref="ITaskRegistrar"/>: its tasks, the long-lived services they share (an index that answers
/// queries between slides), and the requests it answers. The host creates it once per loaded plugin version and
/// calls <see cref="Register"/> once; a plugin without one is loaded the contract-1 way (each public
/// <see cref="ISlideTask"/> type is created).
/// </summary>
public interface ITaskModule
{
    /// <summary>The <see cref="ContractVersion.Major"/> the plugin was compiled against.</summary>
    int ContractMajorVersion { get; }

    /// <summary>Registers the plugin's tasks, services and request handlers.</summary>
    void Register(ITaskRegistrar registrar);
}
