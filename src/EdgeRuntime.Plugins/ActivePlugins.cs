using System.Text.Json;

namespace EdgeRuntime.Plugins;

/// <summary>
/// Which model and prompt set versions are active, kept in a small JSON file so that the running service and
/// <c>edgert plugins activate</c> agree. Written atomically (temporary file, then rename).
/// </summary>
public sealed record ActivePlugins(PluginRef? Model, PluginRef? Prompts)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Reads the file; a missing file means nothing is active.</summary>
    /// <exception cref="InvalidDataException">The file is not valid; the message names it.</exception>
    public static ActivePlugins Read(string path)
    {
        if (!File.Exists(path))
        {
            return new ActivePlugins(null, null);
        }

        try
        {
            return JsonSerializer.Deserialize<ActivePlugins>(File.ReadAllText(path), Json) ?? new ActivePlugins(null, null);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Path.GetFullPath(path)}: {e.Message}", e);
        }
    }

    /// <summary>Writes the file atomically.</summary>
    public void Write(string path)
    {
        Slides.Files.AtomicFile.WriteText(path, JsonSerializer.Serialize(this, Json));
    }
}
