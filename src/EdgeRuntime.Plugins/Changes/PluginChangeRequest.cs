using System.Globalization;
using System.Text.Json;

namespace EdgeRuntime.Plugins.Changes;

/// <summary>
/// One change an admin asked for at the box (<c>edgert plugins activate|deactivate</c> while the service runs): a
/// file of its own in <c>plugin-requests/</c> beside the active file, applied by the service in the order asked and
/// answered by an outcome file under the same name. A request per file, rather than the CLI editing the active file,
/// because the service rewrites that file with what runs after each change: a second edit made while the first
/// was loading was overwritten and lost.
/// </summary>
/// <param name="Id">The request's id: its file name, and the correlation of the journal's plugin events.</param>
/// <param name="Action"><c>activate</c> or <c>deactivate</c>.</param>
/// <param name="Plugin"><c>kind/id/version</c> to activate, or <c>kind/id/-</c> to deactivate.</param>
/// <param name="Tasks">Prototype sets: the tasks named with <c>--task</c>; else null.</param>
/// <param name="With">
/// Further versions (<c>kind/id/version</c>, <c>--with</c>) activated with <paramref name="Plugin"/> as one change:
/// verified together, swapped at one instant, refused together. <paramref name="Tasks"/> go to every prototype set
/// among them.
/// </param>
public sealed record PluginChangeRequest(string Id, string Action, string Plugin, IReadOnlyList<string>? Tasks = null, IReadOnlyList<string>? With = null)
{
    /// <summary>The parts of an activation: <see cref="Plugin"/>, then <see cref="With"/>.</summary>
    /// <exception cref="FormatException">A part is not <c>kind/id/version</c>.</exception>
    public IReadOnlyList<Control.PluginPart> Parts() =>
        [.. new[] { Plugin }.Concat(With ?? []).Select(t => PluginRef.Parse(t)).Select(p => new Control.PluginPart(p, p.Kind == PluginRef.Prototypes ? Tasks : null))];

    /// <summary>Activate.</summary>
    public const string Activate = "activate";

    /// <summary>Deactivate.</summary>
    public const string Deactivate = "deactivate";

    private const string RequestSuffix = ".request.json";
    private const string OutcomeSuffix = ".outcome.json";

    /// <summary>The folder of requests and outcomes for <paramref name="options"/>.</summary>
    public static string Folder(PluginOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Path.Combine(options.StateDirectory, "plugin-requests");
    }

    /// <summary>A new request, its id ordered by the time it was asked.</summary>
    public static PluginChangeRequest New(string action, string plugin, IReadOnlyList<string>? tasks, IReadOnlyList<string>? with = null) =>
        new($"{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfffffff", CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}"[..39], action, plugin, tasks, with is { Count: > 0 } ? with : null);

    /// <summary>Writes the request for the service (atomically: the service never reads half of one).</summary>
    public string Write(PluginOptions options)
    {
        var folder = Folder(options);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, Id + RequestSuffix);
        Foundation.Files.AtomicFile.WriteText(path, JsonSerializer.Serialize(this));
        return path;
    }

    /// <summary>Where the service writes this request's outcome.</summary>
    public string OutcomePath(PluginOptions options) => Path.Combine(Folder(options), Id + OutcomeSuffix);

    /// <summary>The pending requests, oldest first.</summary>
    internal static IReadOnlyList<string> Pending(PluginOptions options)
    {
        var folder = Folder(options);
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*" + RequestSuffix).Where(f => !Foundation.Files.CompletenessTracker.IsIgnoredName(Path.GetFileName(f))).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>Reads a request file; the id is its name, whatever the file says.</summary>
    /// <exception cref="InvalidDataException">Not a request.</exception>
    internal static PluginChangeRequest Read(string path)
    {
        var id = Path.GetFileName(path)[..^RequestSuffix.Length];
        try
        {
            var read = JsonSerializer.Deserialize<PluginChangeRequest>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty request.");
            return read with { Id = id };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a plugin change request: {e.Message}", e);
        }
    }

    /// <summary>The outcome of a request.</summary>
    /// <param name="Id">The request's id.</param>
    /// <param name="Accepted">Whether the change is in effect.</param>
    /// <param name="Reason">Why not.</param>
    /// <param name="Active">What runs after it (the active file's content).</param>
    public sealed record Outcome(string Id, bool Accepted, string? Reason, ActivePlugins? Active)
    {
        /// <summary>Reads an outcome file, or null while there is none (yet).</summary>
        public static Outcome? TryRead(string path)
        {
            try
            {
                return File.Exists(path) ? JsonSerializer.Deserialize<Outcome>(File.ReadAllText(path)) : null;
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                return null;
            }
        }

        /// <summary>Writes it atomically.</summary>
        public void Write(string path) => Foundation.Files.AtomicFile.WriteText(path, JsonSerializer.Serialize(this));
    }
}
