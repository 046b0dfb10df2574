using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Inference.Heads;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Plugins.Tasks;

namespace EdgeRuntime.Plugins.Models;

/// <summary>
/// Verifies a model package, or a cell head with the model package it reads, in a child <c>edgert</c> process before
/// this process opens an ONNX session on it.
/// A hash-valid graph can still make ONNX Runtime crash natively, hang, or allocate without bound while the
/// session is made or on its first run, and no <c>catch</c> stops that in-process. So the child opens both towers
/// and runs one tiny inference on each (a cell head: the model's image tower on one blank tile, then the head on its
/// tokens), under a memory limit and a deadline
/// (<see cref="PluginOptions.VerifyModelMemoryMiB"/>, <see cref="PluginOptions.VerifyModelTimeoutSeconds"/>); only
/// a package whose child passed is opened here. The verdict is kept by the package's content digest, so a package
/// is verified once, not at every start. Installed on <see cref="InferenceOptions"/>, it is met by every load of a
/// package (<see cref="ModelPackage.Load"/>) and of a head (<see cref="CellHead.Load"/>): at start, on a swap, in
/// every one-shot command.
/// </summary>
public static class ModelPackageIsolation
{
    /// <summary>The hidden <c>edgert</c> command that opens one model package (or cell head) and prints its verdict.</summary>
    public const string ChildCommand = "verify-model-in-child";

    /// <summary>The folder below the state folder where verdicts are kept, one file per digest.</summary>
    public const string VerdictFolder = "model-verdicts";

    private const long MaxManifestBytes = 1024 * 1024;

    /// <summary>The child command's option naming the model package a cell head reads.</summary>
    public const string EncoderOption = "--encoder";

    /// <summary>Makes every package and cell head that <paramref name="inference"/> opens pass <see cref="Verify"/> first.</summary>
    public static void Require(InferenceOptions inference, PluginOptions plugins)
    {
        ArgumentNullException.ThrowIfNull(inference);
        ArgumentNullException.ThrowIfNull(plugins);
        inference.UsePackageCheck((directory, encoder) => Verify(directory, inference, plugins, encoder));
    }

    /// <summary>
    /// Returns when the package in <paramref name="directory"/> has a clean verdict (kept, or just given by a child);
    /// a package whose manifest is missing is left to the loader, which says so in its own words. With
    /// <paramref name="encoder"/>, the folder is a cell head and <paramref name="encoder"/> the model package whose
    /// tokens it reads: its verdict is kept for the pair.
    /// </summary>
    /// <exception cref="ModelPackageException">The package is refused; the problem says why (the child's exit signal, the deadline, the memory limit, or what ONNX Runtime said).</exception>
    public static void Verify(string directory, InferenceOptions inference, PluginOptions options, string? encoder = null)
    {
        ArgumentNullException.ThrowIfNull(inference);
        ArgumentNullException.ThrowIfNull(options);
        directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        encoder = encoder is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(encoder));
        if (!Directory.Exists(directory) || FileNode.Of(Path.Combine(directory, ManifestOf(encoder))).Kind == FileNodeKind.Missing)
        {
            return;
        }

        string digest;
        try
        {
            // A head's verdict holds for the model it ran on: the same head on other tokens is verified again.
            digest = encoder is null ? Digest(directory, ManifestOf(null)) : Hash(Digest(directory, ManifestOf(encoder)) + ' ' + Digest(encoder, ManifestOf(null)));
        }
        catch (InvalidDataException e)
        {
            throw new ModelPackageException(directory, [e.Message]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelPackageException(directory, [$"cannot be read for verification: {e.Message}"]);
        }

        var verdictFile = VerdictFile(options, digest);
        if (ReadVerdict(verdictFile) is { Ok: true })
        {
            return;
        }

        var limits = new TaskPluginIsolation.ChildLimits(
            options.VerifyModelMemoryMiB,
            $"{PluginOptions.Section}:{nameof(PluginOptions.VerifyModelMemoryMiB)}",
            options.VerifyModelTimeoutSeconds,
            $"{PluginOptions.Section}:{nameof(PluginOptions.VerifyModelTimeoutSeconds)}");
        var reason = TaskPluginIsolation.RunChild(ChildArguments(directory, encoder, inference), limits);
        WriteVerdict(verdictFile, directory, reason);
        if (reason is not null)
        {
            throw new ModelPackageException(directory, reason.Split('\n'));
        }
    }

    /// <summary>
    /// Why the package in <paramref name="directory"/>, as it is now, was refused at its last verification, or null
    /// (never refused, or changed since). With <paramref name="encoder"/>, the folder is a cell head and the verdict
    /// looked up is the one kept for it with that model package, as <see cref="Verify"/> keeps it.
    /// </summary>
    public static string? RecordedRefusal(string directory, PluginOptions options, string? encoder = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
            encoder = encoder is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(encoder));
            var digest = encoder is null ? Digest(directory, ManifestOf(null)) : Hash(Digest(directory, ManifestOf(encoder)) + ' ' + Digest(encoder, ManifestOf(null)));
            return ReadVerdict(VerdictFile(options, digest)) is { Ok: false } verdict ? verdict.Reason : null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string ManifestOf(string? encoder) => encoder is null ? "model.json" : CellHead.ManifestFile;

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The arguments of the child command: the package (and a head's model), and the execution providers and threads it will run with here.</summary>
    private static List<string> ChildArguments(string directory, string? encoder, InferenceOptions inference) =>
    [
        ChildCommand, directory,
        .. encoder is null ? Array.Empty<string>() : [EncoderOption, encoder],
        "--providers", string.Join(',', inference.EffectiveProviders),
        "--device-id", inference.DeviceId.ToString(CultureInfo.InvariantCulture),
        "--intra-op-threads", inference.IntraOpThreads.ToString(CultureInfo.InvariantCulture),
        "--inter-op-threads", inference.InterOpThreads.ToString(CultureInfo.InvariantCulture),
    ];

    /// <summary>
    /// What a verdict is kept by: the manifest's SHA-256 (the manifest holds every listed file's, and the loader here
    /// checks them again) and the relative path and size of every file in the folder, so that an added, removed or
    /// resized file the manifest does not list (external weights, say) is verified again. Nothing is parsed, and no
    /// file but the manifest is read: a file that is not a regular one (a link to <c>/dev/zero</c>, a pipe) is refused
    /// here, before anything here would read it forever or block on it.
    /// </summary>
    private static string Digest(string directory, string manifestName)
    {
        var realPackage = Path.TrimEndingDirectorySeparator(PluginRealPath.Of(directory));
        var listing = new StringBuilder();
        foreach (var path in Directory.EnumerateFileSystemEntries(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                     .Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(directory, path);
            var node = FileNode.Of(path);
            if (node.Kind == FileNodeKind.SymbolicLink)
            {
                // ONNX Runtime refuses external weights named outside the graph's folder, but follows a link in it.
                var real = PluginRealPath.Of(path);
                if (!real.StartsWith(realPackage + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{relative}: a link that leads to {real}, outside the package; a package reads only its own files.");
                }

                node = FileNode.Of(real);
            }

            if (node.Kind == FileNodeKind.Regular)
            {
                listing.Append(node.Size.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(relative.Replace(Path.DirectorySeparatorChar, '/')).Append('\n');
            }
            else if (node.Kind != FileNodeKind.Directory)
            {
                throw new InvalidDataException($"{relative}: {(node.Kind == FileNodeKind.Missing ? "a link to nothing" : FileNode.Describe(node.Kind))}, not a regular file.");
            }
        }

        using var manifest = FileNode.OpenRegular(Path.Combine(directory, manifestName));
        if (manifest.Length > MaxManifestBytes)
        {
            throw new InvalidDataException($"{manifestName}: {manifest.Length} bytes; a manifest is at most {MaxManifestBytes} bytes.");
        }

        listing.Insert(0, Convert.ToHexStringLower(SHA256.HashData(manifest)) + '\n');
        return Hash(listing.ToString());
    }

    private static string VerdictFile(PluginOptions options, string digest) => Path.Combine(options.StateDirectory, VerdictFolder, digest + ".json");

    private sealed record Verdict(bool Ok, string? Reason, string? Package);

    private static Verdict? ReadVerdict(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Verdict>(File.ReadAllText(path)) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void WriteVerdict(string path, string directory, string? reason)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.WriteText(path, JsonSerializer.Serialize(new Verdict(reason is null, reason, directory)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without a kept verdict the package is verified again at its next load: slower, never less safe.
        }
    }
}
