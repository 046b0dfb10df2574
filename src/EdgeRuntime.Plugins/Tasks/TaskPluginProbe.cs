using System.Text.Json.Nodes;

namespace EdgeRuntime.Plugins.Tasks;

/// <summary>
/// What the verification child process does (<see cref="TaskPluginIsolation.ChildCommand"/>): load one task plugin
/// assembly as the service would, release it, and say how it went as one line of JSON. Runs only in that child:
/// whatever the plugin does to this process ends here.
/// </summary>
public static class TaskPluginProbe
{
    /// <summary>Loads <paramref name="assembly"/>; writes the verdict to <paramref name="verdict"/>; returns the child's exit code.</summary>
    public static int Run(string assembly, TextWriter verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);

        // What the plugin prints must not be taken for the verdict.
        Console.SetOut(TextWriter.Null);
        JsonObject result;
        try
        {
            using var plugin = TaskPluginLoader.Load(assembly, Path.GetFileName(Path.GetDirectoryName(assembly)) ?? assembly, TaskHost.Quiet);
            result = plugin.Tasks.Count > 0
                ? new JsonObject { ["ok"] = true, ["tasks"] = new JsonArray(plugin.Tasks.Select(t => (JsonNode)t.Name).ToArray()) }
                : new JsonObject { ["ok"] = false, ["reason"] = $"no task could be used: {string.Join(" ", plugin.Refused)}".ReplaceLineEndings(" ") };
        }
        catch (Exception e) when (IsMemory(e))
        {
            // Said by the exit code alone: what the plugin took is still taken, and writing needs memory too.
            return TaskPluginIsolation.MemoryExitCode;
        }
        catch (Exception e)
        {
            // Anything at all: this process exists to be told how a plugin fails.
            result = new JsonObject { ["ok"] = false, ["reason"] = (e is InvalidDataException ? e.Message : $"{Path.GetFileName(assembly)}: {e.Message}").ReplaceLineEndings(" ") };
        }

        verdict.WriteLine(result.ToJsonString());
        verdict.Flush();
        return 0;
    }

    private static bool IsMemory(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is OutOfMemoryException)
            {
                return true;
            }
        }

        return false;
    }
}
