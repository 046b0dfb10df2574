using System.Xml.Linq;

namespace EdgeRuntime.Architecture.Tests;

/// <summary>A product project's .csproj: its name and the projects it references for compiling.</summary>
internal sealed record ProjectFile(string Name, string AssemblyName, string Path, IReadOnlyList<string> References)
{
    /// <summary>Every project under src/ and plugins/ (the product; tests and benchmarks may reach anywhere).</summary>
    public static IReadOnlyList<ProjectFile> Product(string repositoryRoot) =>
        [.. new[] { "src", "plugins" }
            .SelectMany(folder => Directory.EnumerateFiles(System.IO.Path.Combine(repositoryRoot, folder), "*.csproj", SearchOption.AllDirectories))
            .Where(path => !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(path => Parse(path, File.ReadAllText(path)))];

    /// <summary>
    /// Reads the references a project compiles against: every <c>ProjectReference</c> but those with
    /// <c>ReferenceOutputAssembly="false"</c> (a build-order link, such as the CLI shipping the built-in task plugins).
    /// </summary>
    public static ProjectFile Parse(string path, string xml)
    {
        var document = XDocument.Parse(xml);
        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        var assemblyName = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "AssemblyName")?.Value ?? name;
        var references = document.Descendants()
            .Where(e => e.Name.LocalName == "ProjectReference")
            .Where(e => !string.Equals((string?)e.Attribute("ReferenceOutputAssembly"), "false", StringComparison.OrdinalIgnoreCase))
            .Select(e => (string?)e.Attribute("Include") ?? "")
            .Where(include => include.EndsWith(".csproj", StringComparison.Ordinal))
            .Select(include => System.IO.Path.GetFileNameWithoutExtension(include.Replace('\\', '/')))
            .ToList();
        return new ProjectFile(name, assemblyName, path, references);
    }
}
