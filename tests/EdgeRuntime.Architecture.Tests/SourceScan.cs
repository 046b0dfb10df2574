namespace EdgeRuntime.Architecture.Tests;

/// <summary>Source lines that break a house rule a compiler does not check: each as "path:line: text", for the message.</summary>
internal static class SourceScan
{
    /// <summary>The lines of the C# files under <paramref name="root"/> (build output and <paramref name="allowed"/> left out) that <paramref name="breaks"/>.</summary>
    public static List<string> Offenders(string root, Func<string, bool> allowed, Func<string, bool> breaks) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains("/obj/", StringComparison.Ordinal) && !allowed(path))
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (Path: path, Line: line, Number: index + 1)))
            .Where(l => breaks(l.Line))
            .Select(l => $"{Path.GetRelativePath(TestSupport.TestData.RepoRoot, l.Path)}:{l.Number}: {l.Line.Trim()}")
            .ToList();
}
