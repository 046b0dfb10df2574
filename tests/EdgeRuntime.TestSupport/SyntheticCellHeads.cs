using System.Globalization;

namespace EdgeRuntime.TestSupport;

/// <summary>
/// Cell head packages whose maps are known (<c>synthetic_cell_heads.py</c>, Debian's python3 and onnx, in a second):
/// the same 25 discs on every 224 px tile, every nucleus of one class. Real ONNX graphs on the real token and pixel
/// inputs, bound to a real model by its model.json hash; a head's class names tell which head found a cell. For the
/// plumbing (swaps, provenance, refusals), where the trained reference head (minutes of torch) adds nothing.
/// </summary>
public static class SyntheticCellHeads
{
    /// <summary>Nuclei each 224 px tile holds: 5 × 5 discs of radius 6 on a 40 px lattice from (20, 20).</summary>
    public const int NucleiPerTile = 25;

    /// <summary>Writes a head for <paramref name="modelPackage"/> into <paramref name="folder"/>; every nucleus is of class <paramref name="classIndex"/>.</summary>
    /// <param name="hostile">A graph that misbehaves in ONNX Runtime on its first run, its hashes right: <c>allocates</c> (8 GiB) or <c>hangs</c>.</param>
    public static string Write(string folder, string modelPackage, string id, string version, IReadOnlyList<string> classes, int classIndex = 0, string? hostile = null)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ExternalTool.Run(ExternalTool.DebianPython, [
            Script, folder, Path.Combine(modelPackage, "model.json"), "--id", id, "--version", version, "--classes", string.Join(',', classes), "--class-index", classIndex.ToString(CultureInfo.InvariantCulture),
            .. hostile is null ? Array.Empty<string>() : ["--hostile", hostile]]);
        return folder;
    }

    /// <summary>Writes <c>{root}/heads/{id}/{version}</c>, as an admin installs a head plugin.</summary>
    public static string Install(string root, string modelPackage, string id, string version, IReadOnlyList<string> classes, int classIndex = 0, string? hostile = null) =>
        Write(Path.Combine(root, "heads", id, version), modelPackage, id, version, classes, classIndex, hostile);

    private static string Script => Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.TestSupport", "synthetic_cell_heads.py");
}
