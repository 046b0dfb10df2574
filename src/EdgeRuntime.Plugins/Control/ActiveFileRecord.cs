using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins.Control;

/// <summary>
/// What runs, in memory and in the active file: the file always says what actually runs, never what was refused,
/// and a damaged file is replaced by it. Written only by the controller, under its lock.
/// </summary>
internal sealed class ActiveFileRecord(PluginOptions options, ILogger logger)
{
    private ActivePlugins active = ReadStartState(options);

    /// <summary>What runs now.</summary>
    public ActivePlugins Current => Volatile.Read(ref active);

    /// <summary>The active file's content now, or null when it cannot be read (the watcher reports that).</summary>
    public ActivePlugins? ReadFile()
    {
        try
        {
            return ActivePlugins.Read(options.ActiveFile);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Makes <paramref name="now"/> what runs, and the active file say so if it does not already.</summary>
    public void Record(ActivePlugins now)
    {
        Volatile.Write(ref active, now);
        try
        {
            if (!ActivePlugins.Read(options.ActiveFile).Equals(now))
            {
                now.Write(options.ActiveFile);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            try
            {
                now.Write(options.ActiveFile); // a damaged file is replaced by what actually runs
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // What runs is in effect; only a restart would fall back to the file's older content.
                PluginLog.ActiveFileNotWritten(logger, Path.GetFullPath(options.ActiveFile), again.Message);
            }
        }
    }

    private static ActivePlugins ReadStartState(PluginOptions options)
    {
        try
        {
            return ActivePlugins.Read(options.ActiveFile);
        }
        catch (InvalidDataException)
        {
            return ActivePlugins.None; // reported by the active-file watcher, which keeps looking at it
        }
    }
}
