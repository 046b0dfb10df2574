namespace EdgeRuntime.Plugins.Changes;

/// <summary>
/// An exclusive lock on the plugin state folder (<c>plugin-service.lock</c> beside the active file). The service
/// holds it for as long as it runs; <c>edgert plugins activate|deactivate</c> takes it for the moment of its edit.
/// So a command that gets it knows that no service runs with this state folder (it edits the active file, and the
/// service starts with it), and one that does not queues a request for the service instead. The kernel releases
/// the lock when its holder dies, so a crashed service never leaves it taken.
/// </summary>
public sealed class PluginStateLock : IDisposable
{
    private readonly FileStream stream;

    private PluginStateLock(FileStream stream) => this.stream = stream;

    /// <summary>Takes the lock, waiting up to <paramref name="wait"/> for a command's short edit to end; null if it stays taken (a service holds it).</summary>
    public static PluginStateLock? TryAcquire(PluginOptions options, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.StateDirectory);
        var path = Path.Combine(options.StateDirectory, "plugin-service.lock");
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock on Linux, released by the kernel with the process.
                return new PluginStateLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => stream.Dispose();
}
