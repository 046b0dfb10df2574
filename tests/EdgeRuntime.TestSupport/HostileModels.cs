using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace EdgeRuntime.TestSupport;

/// <summary>
/// Model packages that are valid by their manifest (every hash right) but hostile to whoever opens them: the tiny
/// reference package with its image encoder replaced by a graph written at test time by Debian's python3 and onnx
/// (<c>hostile_models.py</c>), or with a file that is not a regular one.
/// </summary>
public static class HostileModels
{
    /// <summary>
    /// Installs <c>{root}/models/tiny-reference/{version}</c> of <paramref name="kind"/>: <c>allocates</c> (an 8 GiB
    /// tensor on the first run), <c>hangs</c> (a loop of 2^62 iterations on the first run), <c>truncated</c> (half a
    /// protobuf), <c>external-absolute</c> and <c>external-outside</c> (weights stored "externally" in /dev/zero, by
    /// an absolute path or by climbing out with ..), <c>link-to-device</c> (a listed weights file that is a link to
    /// /dev/zero), <c>fifo</c> (a named pipe in the package). Returns the package folder.
    /// </summary>
    public static string Install(string root, string kind, string version)
    {
        var package = PluginRoots.InstallTinyModel(root, version);
        var manifestPath = Path.Combine(package, "model.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var encoder = Path.Combine(package, "image_encoder.onnx");
        switch (kind)
        {
            case "link-to-device":
                File.CreateSymbolicLink(Path.Combine(package, "weights.bin"), "/dev/zero");
                manifest["files"]!["weights.bin"] = new string('0', 64);
                break;
            case "fifo":
                ExternalTool.Run("mkfifo", [Path.Combine(package, "weights.bin")]);
                break;
            default:
                var written = encoder + ".new";
                ExternalTool.Run(ExternalTool.DebianPython, [Script, kind, written, manifest["preprocessing"]!["inputSize"]!.ToString(), manifest["embeddingSize"]!.ToString(), encoder]);
                File.Move(written, encoder, overwrite: true);
                manifest["files"]!["image_encoder.onnx"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(encoder)));
                break;
        }

        File.WriteAllText(manifestPath, manifest.ToJsonString());
        return package;
    }

    private static string Script => Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.TestSupport", "hostile_models.py");
}
