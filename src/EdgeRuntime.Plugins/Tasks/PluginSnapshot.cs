using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Plugins.Tasks;

/// <summary>
/// A private copy of a task plugin version, named by the digest of what was copied. The copy, not the folder in
/// the plugins root, is verified and then loaded, so that the folder cannot change between the verification and
/// the load (a file replaced in between would otherwise run unverified). Snapshots live in the state folder
/// (<c>plugin-snapshots/</c>, readable by the service's user only); one whose state folder is not writable
/// (a command run by another user) gets a private temporary folder instead.
/// </summary>
internal static class PluginSnapshot
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Copies <paramref name="plugin"/>'s folder, unless a snapshot of it as it is now is kept; returns the snapshot
    /// folder, its digest (<see cref="PluginHash.OfFolder"/>), and whether it was copied now.
    /// </summary>
    /// <exception cref="InvalidDataException">The folder or a file in it leads out of the plugins root, or cannot be copied.</exception>
    public static (string Directory, string Hash, bool Copied) Take(PluginRef plugin, PluginOptions options)
    {
        var source = plugin.CheckedDirectory(options.Root);
        var snapshots = Folder(options);
        if (Kept(source, snapshots, options) is { } kept)
        {
            return (kept.Directory, kept.Hash, false);
        }

        var staging = Path.Combine(snapshots, $".copy-{Guid.NewGuid():N}");
        try
        {
            CreatePrivate(staging);
            foreach (var file in Directory.EnumerateFiles(source, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
            {
                PluginRealPath.CheckInside(options.Root, file); // again, file by file, as it is read
                var target = Path.Combine(staging, Path.GetRelativePath(source, file));
                CreatePrivate(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            var hash = PluginHash.OfFolder(staging);
            var snapshot = Path.Combine(snapshots, hash);
            if (Directory.Exists(snapshot) && PluginHash.OfFolder(snapshot) != hash)
            {
                Directory.Delete(snapshot, recursive: true); // damaged since: replaced by the fresh copy
            }

            if (Directory.Exists(snapshot))
            {
                Directory.Delete(staging, recursive: true);
            }
            else
            {
                try
                {
                    Directory.Move(staging, snapshot);
                }
                catch (IOException) when (Directory.Exists(snapshot))
                {
                    Directory.Delete(staging, recursive: true); // another process made the same snapshot meanwhile
                }
            }

            return (snapshot, hash, true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(staging);
            throw new InvalidDataException($"{plugin}: could not copy {source} for verification: {e.Message}", e);
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
    }

    /// <summary>
    /// The snapshot already taken of <paramref name="source"/> as it is now, if one is kept and still whole: then nothing
    /// is copied. The version's digest and the snapshot's are both files' hashes, which the kept record of verified
    /// hashes answers without reading an unchanged file (<see cref="FileHashRecord"/>); the snapshot is what loads, and
    /// its digest is checked here, so a version changed since gets a fresh copy.
    /// </summary>
    private static (string Directory, string Hash)? Kept(string source, string snapshots, PluginOptions options)
    {
        try
        {
            PluginRealPath.CheckTreeInside(options.Root, source); // nothing is read through a link that leads out
            var hash = PluginHash.OfFolder(source);
            var snapshot = Path.Combine(snapshots, hash);
            return Directory.Exists(snapshot) && PluginHash.OfFolder(snapshot) == hash ? (snapshot, hash) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // copied as before, which says what is wrong
        }
    }

    /// <summary>Where the verdict on the snapshot of digest <paramref name="hash"/> is kept, if anywhere.</summary>
    public static string VerdictFile(PluginOptions options, string hash) => Path.Combine(Path.Combine(options.StateDirectory, "plugin-snapshots"), hash + ".verdict.json");

    private static string Folder(PluginOptions options)
    {
        var folder = Path.Combine(options.StateDirectory, "plugin-snapshots");
        try
        {
            Directory.CreateDirectory(options.StateDirectory);
            CreatePrivate(folder);
            using (File.Create(Path.Combine(folder, $".probe-{Guid.NewGuid():N}"), 1, FileOptions.DeleteOnClose))
            {
            }

            return folder;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return PrivateTemporary.Value;
        }
    }

    private static readonly Lazy<string> PrivateTemporary = new(() => Directory.CreateTempSubdirectory("edgert-plugin-snapshots-").FullName);

    private static void CreatePrivate(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, Private);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover staging folder is named as such and never loaded.
        }
    }
}
