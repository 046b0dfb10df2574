using Microsoft.Extensions.Hosting;

namespace EdgeRuntime.Operations;

/// <summary>The web application lives inside the service's host: the service's lifetime handles signals, not this one.</summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
