using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace EdgeRuntime.TestSupport;

/// <summary>
/// The reference cell head (tools/train-cell-head.py): a decoder trained on the frozen UNI twin's depth-1 tokens and
/// the tiles' pixels, on synthetic H&amp;E-like tiles with known nuclei. Built on first use (minutes, torch) under
/// <c>artifacts/cell-heads/&lt;hash of its inputs&gt;/</c>, the same folder install/install.sh fills, and reused.
/// </summary>
public static class ReferenceCellHead
{
    /// <summary>The encoder the head was trained on.</summary>
    public const string Family = "uni";

    /// <summary>The training script.</summary>
    public static string Script => Path.Combine(TestData.RepoRoot, "tools", "train-cell-head.py");

    /// <summary>The head package folder (head.json, head.onnx).</summary>
    public static string Package
    {
        get
        {
            var encoder = FamilyTwins.Package(Family);
            var root = Path.Combine(TestData.RepoRoot, "artifacts", "cell-heads", InputsHash(encoder));
            var package = Path.Combine(root, $"synthetic-nuclei-{Family}", "1.0.0");
            if (File.Exists(Path.Combine(package, "head.json")))
            {
                return package;
            }

            Directory.CreateDirectory(root);
            using var gate = ReferenceModels.AcquireLock(Path.Combine(root, ".build.lock"));
            if (!File.Exists(Path.Combine(package, "head.json")))
            {
                ExternalTool.Run(ExternalTool.DebianPython, [Script, "--family", Family, "--checkpoint", FamilyTwins.Checkpoint(Family), "--package", encoder, "--out", root]);
            }

            return package;
        }
    }

    /// <summary>
    /// Writes a generated slide of known nuclei (a pyramidal JPEG TIFF at 0.5 µm/px) and returns its truth; with
    /// <paramref name="maps"/>, also its level-0 instance and class maps there, in `edgert eval cells`' folder layout.
    /// </summary>
    public static NucleiSlideTruth WriteSlide(string path, int width, int height, int seed, string? maps = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var truthPath = path + ".truth.json";
        string[] extra = maps is null ? [] : ["--maps", maps];
        ExternalTool.Run(ExternalTool.DebianPython, [Script, "--slide", path, "--width", width.ToString(inv), "--height", height.ToString(inv), "--seed", seed.ToString(inv), "--truth", truthPath, .. extra]);
        var truth = JsonNode.Parse(File.ReadAllText(truthPath))!;
        var nuclei = truth["nuclei"]!.AsArray().Select(n => new KnownNucleus(n!["x"]!.GetValue<double>(), n["y"]!.GetValue<double>(), n["class"]!.GetValue<string>(), n["area"]!.GetValue<int>())).ToList();
        return new NucleiSlideTruth(path, width, height, nuclei);
    }

    // The head is rebuilt when its tools (the script and every module of tools/cells, in ordinal order as install.sh's
    // LC_ALL=C ls) or the encoder it is trained on change.
    private static string InputsHash(string encoder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var tools = Path.Combine(TestData.RepoRoot, "tools");
        var modules = Directory.GetFiles(Path.Combine(tools, "cells"), "*.py").Order(StringComparer.Ordinal);
        foreach (var file in modules.Prepend(Script).Append(Path.Combine(encoder, "model.json")))
        {
            sha.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }
}

/// <summary>A nucleus painted on a generated slide: its visible centroid (level-0 pixels), class and area.</summary>
public sealed record KnownNucleus(double X, double Y, string Class, int Area);

/// <summary>A generated slide and every nucleus on it.</summary>
public sealed record NucleiSlideTruth(string Path, int Width, int Height, IReadOnlyList<KnownNucleus> Nuclei);
