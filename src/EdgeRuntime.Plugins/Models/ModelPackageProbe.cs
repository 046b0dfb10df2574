using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Inference.Heads;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Plugins.Tasks;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRuntime.Plugins.Models;

/// <summary>
/// What the model verification child process does (<see cref="ModelPackageIsolation.ChildCommand"/>): load one
/// model package as the service would (manifest, hashes, both ONNX sessions, tokenizer), run one tiny inference on
/// each tower it has, release it, and say how it went as one line of JSON; for a cell head, load it against its model
/// and run it once on the tokens of one blank tile. Runs only in that child: whatever the graph does to ONNX Runtime
/// ends here.
/// </summary>
public static class ModelPackageProbe
{
    /// <summary>
    /// Loads and runs the package in <paramref name="directory"/> (with <paramref name="encoder"/>, the cell head in
    /// it on that model package); writes the verdict to <paramref name="verdict"/>; returns the child's exit code.
    /// </summary>
    public static int Run(string directory, string? encoder, InferenceOptions inference, TextWriter verdict)
    {
        ArgumentNullException.ThrowIfNull(inference);
        ArgumentNullException.ThrowIfNull(verdict);
        JsonObject result;
        try
        {
            if (encoder is not null)
            {
                result = RunHead(directory, encoder, inference);
                verdict.WriteLine(result.ToJsonString());
                verdict.Flush();
                return 0;
            }

            // No package check on these options: this process is the check.
            using var package = ModelPackage.Load(directory, inference, NullLogger.Instance);
            var side = package.Manifest.Preprocessing.InputSize;
            using (var image = new OnnxImageEncoder(package, 1))
            {
                Expect(image.EncodeImage(new byte[side * side * 3], side, side), package, "image encoder");
            }

            if (package.HasTextTower)
            {
                // A vision-only package has no text tower to run (and no tokenizer): the image tower is all of it.
                var text = new OnnxTextEncoder(package).EncodeAsync(["an image of tissue"], CancellationToken.None).AsTask().GetAwaiter().GetResult();
                Expect(text, package, "text encoder");
            }
            result = new JsonObject { ["ok"] = true, ["model"] = $"{package.Identity.Id} {package.Identity.Version}", ["provider"] = package.ExecutionProvider };
        }
        catch (Exception e) when (IsMemory(e))
        {
            // Said by the exit code alone: what the graph took is still taken, and writing needs memory too.
            return TaskPluginIsolation.MemoryExitCode;
        }
        catch (CellHeadException e)
        {
            result = new JsonObject { ["ok"] = false, ["reason"] = string.Join("\n", e.Problems.Select(p => p.ReplaceLineEndings(" "))) };
        }
        catch (ModelPackageException e)
        {
            // One problem a line: the parent gives them back as the loader's own problems.
            result = new JsonObject { ["ok"] = false, ["reason"] = string.Join("\n", e.Problems.Select(p => p.ReplaceLineEndings(" "))) };
        }
        catch (Exception e)
        {
            // Anything at all (ONNX Runtime's errors on the first run included): this process exists to be told how a package fails.
            result = new JsonObject { ["ok"] = false, ["reason"] = $"opening it and running it once failed: {e.Message}".ReplaceLineEndings(" ") };
        }

        verdict.WriteLine(result.ToJsonString());
        verdict.Flush();
        return 0;
    }

    // The model as the service loads it, its image tower on one blank tile, and the head on that tile's tokens and pixels.
    private static JsonObject RunHead(string directory, string encoder, InferenceOptions inference)
    {
        using var package = ModelPackage.Load(encoder, inference, NullLogger.Instance);
        using var head = CellHead.Load(directory, package, inference, NullLogger.Instance);
        using var image = new OnnxImageEncoder(package, 1);
        var size = package.Manifest.Tiling.TileSize;
        var tiles = new TileBatch("verification", [new TileRef(0, 0, 0, new TileBox(0, 0, size, size), 1)], size, new byte[size * size * 3]);
        var batch = image.EncodeAsync(tiles, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        head.Run(batch, 0, 1);
        return new JsonObject { ["ok"] = true, ["head"] = $"{head.Identity.Id} {head.Identity.Version}", ["model"] = $"{package.Identity.Id} {package.Identity.Version}", ["provider"] = head.ExecutionProvider };
    }

    private static void Expect(float[] embedding, ModelPackage package, string tower)
    {
        if (embedding.Length != package.Manifest.EmbeddingSize)
        {
            throw new InvalidDataException($"the {tower} gave {embedding.Length} values for one input (model.json: embeddingSize {package.Manifest.EmbeddingSize}).");
        }
    }

    /// <summary>Out of memory, whether .NET or ONNX Runtime ran out (a failed native allocation is an error message there, not a crash).</summary>
    private static bool IsMemory(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is OutOfMemoryException || e.Message.Contains("bad_alloc", StringComparison.Ordinal) || e.Message.Contains("Failed to allocate memory", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
