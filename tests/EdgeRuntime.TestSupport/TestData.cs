namespace EdgeRuntime.TestSupport;

/// <summary>
/// Locates the read-only shared test data (<c>../shared</c> beside the checkout, or <c>EDGERUNTIME_SHARED</c>).
/// Tests read third-party slides from there; nothing is copied into the repository.
/// </summary>
public static class TestData
{
    private static readonly Lazy<string> SharedRoot = new(FindShared);

    /// <summary>The checkout's root (the folder holding <c>EdgeRuntime.sln</c>).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The shared folder.</summary>
    public static string Shared => SharedRoot.Value;

    /// <summary>A file of <c>shared/data/slides</c>.</summary>
    public static string Slide(string name) => Existing(Path.Combine(Shared, "data", "slides", name));

    /// <summary>A file of <c>shared/data/images</c>.</summary>
    public static string Image(string name) => Existing(Path.Combine(Shared, "data", "images", name));

    /// <summary>A file of <c>shared/data/tokenizers</c>.</summary>
    public static string Tokenizer(string relative) => Existing(Path.Combine(Shared, "data", "tokenizers", relative));

    private static string Existing(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"Shared test data missing: {path}", path);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeRuntime.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find EdgeRuntime.sln above " + AppContext.BaseDirectory);
    }

    private static string FindShared()
    {
        var fromEnv = Environment.GetEnvironmentVariable("EDGERUNTIME_SHARED");
        var candidate = string.IsNullOrEmpty(fromEnv) ? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared")) : fromEnv;
        return Directory.Exists(Path.Combine(candidate, "data"))
            ? candidate
            : throw new DirectoryNotFoundException($"Shared test data not found at {candidate}; set EDGERUNTIME_SHARED.");
    }
}
