namespace EdgeRuntime.Inference.Packages;

/// <summary>A model package was refused. The message names the package folder and every problem found.</summary>
public sealed class ModelPackageException(string packageDirectory, IReadOnlyList<string> problems)
    : Exception($"Model package {packageDirectory} refused:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    /// <summary>The package folder.</summary>
    public string PackageDirectory { get; } = packageDirectory;

    /// <summary>Each problem, naming the file or manifest key.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
