namespace EdgeRuntime.Inference.Packages;

/// <summary>Checks that every file a manifest lists is inside the package, present, and has the stated SHA-256.</summary>
internal static class PackageFiles
{
    public static IEnumerable<string> Verify(string packageDirectory, IReadOnlyDictionary<string, string> files, string manifestName = "model.json")
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(packageDirectory)) + Path.DirectorySeparatorChar;
        foreach (var (relative, expected) in files)
        {
            var full = Path.GetFullPath(Path.Combine(root, relative));
            if (!full.StartsWith(root, StringComparison.Ordinal))
            {
                yield return $"files: '{relative}' points outside the package.";
                continue;
            }

            if (!File.Exists(full))
            {
                yield return $"{relative}: listed in {manifestName} but missing.";
                continue;
            }

            var actual = Sha256(full);
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"{relative}: SHA-256 is {actual}, {manifestName} says {expected}.";
            }
        }
    }

    public static string Sha256(string path) => Foundation.Files.FileHash.Sha256(path);
}
