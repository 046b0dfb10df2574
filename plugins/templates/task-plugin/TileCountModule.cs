using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Tasks.Template;

/// <summary>The plugin's entry point: the host finds it, checks its contract version and lets it register its tasks.</summary>
public sealed class TileCountModule : ITaskModule
{
    /// <inheritdoc />
    public int ContractMajorVersion => ContractVersion.Major;

    /// <inheritdoc />
    public void Register(ITaskRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddTask(new TileCountTask());
    }
}
