using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeRuntime.Inference.Precision;

/// <summary>
/// Chooses the image encoder's precision when a model is activated (<see cref="InferenceOptions.Precision"/>): on the
/// CPU provider, the int8 copy whose kept gate passed at the configured bound; without a judged copy, <c>auto</c>
/// builds and judges one in the background (the next activation adopts it) and <c>int8</c> does so before the model
/// starts. A failed gate, a GPU provider, a float16 graph or <c>float</c> keep the package's own graph, each saying
/// why. Runs before any encoder is made on the package.
/// </summary>
public static class Int8Selection
{
    /// <summary>The int8 cache beside the text-embedding cache (<c>int8</c> in the same parent folder).</summary>
    public static string CacheBeside(string textEmbeddingCache) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(textEmbeddingCache)) ?? Path.GetFullPath(textEmbeddingCache), "int8");

    /// <summary>
    /// Applies the configured precision to <paramref name="package"/>; returns the background build and gate when one
    /// was started (its result is for the next activation), else a completed task.
    /// </summary>
    public static Task<Task> ApplyAsync(ModelPackage package, InferenceOptions options, string cacheRoot, ILogger logger, CancellationToken cancellationToken) =>
        ApplyAsync(package, package?.ExecutionProvider!, options, cacheRoot, logger, cancellationToken);

    // The provider is a parameter so that tests can say "a GPU runs it" on a machine without one.
    internal static async Task<Task> ApplyAsync(ModelPackage package, string provider, InferenceOptions options, string cacheRoot, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentNullException.ThrowIfNull(options);
        var (id, version) = (package.Identity.Id, package.Identity.Version);
        var mode = options.Precision.ToLowerInvariant();
        if (mode == PrecisionMode.FloatGraph)
        {
            PrecisionLog.FloatConfigured(logger, id, version);

            return Task.CompletedTask;
        }

        if (!provider.Equals("CPU", StringComparison.OrdinalIgnoreCase))
        {
            PrecisionLog.FloatOnProvider(logger, id, version, provider);

            return Task.CompletedTask;
        }

        if (package.Manifest.ImageEncoder.EffectivePrecision != Packages.ImageEncoderSpec.SinglePrecision)
        {
            PrecisionLog.NotQuantised(logger, id, version, package.Manifest.ImageEncoder.EffectivePrecision);

            return Task.CompletedTask;
        }

        var store = new Int8Store(cacheRoot, package);
        if (store.ReadGate() is { } kept && Fits(kept, options))
        {
            Adopt(package, store, kept, options, logger);
            return Task.CompletedTask;
        }

        if (options.Int8GateSlides.Count == 0)
        {
            PrecisionLog.NoGateSlides(logger, id, version);
            return Task.CompletedTask;
        }

        if (mode == PrecisionMode.Int8Copy)
        {
            if (await BuildAndJudgeAsync(package, store, options, logger, cancellationToken).ConfigureAwait(false) is { Passed: true } outcome)
            {
                Adopt(package, store, outcome, options, logger);
            }

            return Task.CompletedTask;
        }

        PrecisionLog.BuildingInBackground(logger, id, version, store.Folder);
        // The package may be swapped out and disposed while this runs: the background judge opens its own copy.
        var directory = package.Directory;
        return Task.Run(
            async () =>
            {
                try
                {
                    using var own = ModelPackage.Load(directory, CpuOnly(options), logger);
                    await BuildAndJudgeAsync(own, store, options, logger, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is ModelPackageException or OnnxRuntimeException or IOException)
                {
                    PrecisionLog.Int8Unavailable(logger, id, version, e.Message);
                }
            },
            CancellationToken.None);
    }

    // A kept gate stands for the current settings only if it was judged under the same conditions: this bound, this
    // minimum speed-up, this labelled set (or none).
    private static bool Fits(GateOutcome kept, InferenceOptions options) =>
        kept.Bound.Equals(options.Int8CosineBound) && kept.Tiles > 0 && kept.MinSpeedUp.Equals(options.Int8MinSpeedup)
        && string.Equals(kept.Labelled?.Set ?? string.Empty, options.Int8LabelledSet ?? string.Empty, StringComparison.Ordinal);

    private static void Adopt(ModelPackage package, Int8Store store, GateOutcome gate, InferenceOptions options, ILogger logger)
    {
        var (id, version) = (package.Identity.Id, package.Identity.Version);
        if (!gate.Passed)
        {
            PrecisionLog.GateFailed(logger, id, version, gate.Reason, gate.Tiles, gate.CosineMin, gate.CosineMean, gate.Bound, gate.SpeedUp, gate.MinSpeedUp, gate.LabelledSummary, store.GateFile);
            return;
        }

        var session = new SessionFactory(CpuOnly(options), logger).Create(store.Graph, "image encoder (int8)").Session;
        package.UseImageSession(session, new ImagePrecision(ImagePrecision.Int8Name, gate.Int8Sha256));
        PrecisionLog.Int8Adopted(logger, id, version, store.Graph, gate.Int8Sha256, gate.Tiles, gate.Sources, gate.CosineMin, gate.CosineMean, gate.Bound, gate.SpeedUp, gate.MinSpeedUp, gate.LabelledSummary);
    }

    private static async Task<GateOutcome?> BuildAndJudgeAsync(ModelPackage package, Int8Store store, InferenceOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var (id, version) = (package.Identity.Id, package.Identity.Version);
        try
        {
            Directory.CreateDirectory(store.Folder);
            // One builder per copy across processes (the service and a one-shot command may start together).
            using var hold = new FileStream(Path.Combine(store.Folder, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // The tiles first: with no slide to judge on yet (a new box, an empty done folder) there is nothing to
            // gain from quantising, and a copy built now would be built again at every activation until there is.
            var (tiles, sources) = GateTiles.Read(options.Int8GateSlides, package.Manifest.Tiling.TileSize, options.Int8GateTiles);
            if (tiles.Count == 0)
            {
                PrecisionLog.NoGateSlides(logger, id, version);
                return null;
            }

            if (!File.Exists(store.Graph))
            {
                await Int8Quantizer.WriteAsync(package.Directory, store.Graph, cancellationToken).ConfigureAwait(false);
            }

            var int8Sha256 = PackageFiles.Sha256(store.Graph);
            GateOutcome outcome;
            using (var session = new SessionFactory(CpuOnly(options), logger).Create(store.Graph, "image encoder (int8, gate)").Session)
            {
                outcome = await Int8Gate.JudgeAsync(package, session, tiles, sources, options, store.FloatSha256, int8Sha256, cancellationToken).ConfigureAwait(false);
            }

            store.WriteGate(outcome);
            if (!outcome.Passed)
            {
                PrecisionLog.GateFailed(logger, id, version, outcome.Reason, outcome.Tiles, outcome.CosineMin, outcome.CosineMean, outcome.Bound, outcome.SpeedUp, outcome.MinSpeedUp, outcome.LabelledSummary, store.GateFile);
            }

            return outcome;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or OnnxRuntimeException)
        {
            PrecisionLog.Int8Unavailable(logger, id, version, e.Message.Split('\n')[0]);
            return null;
        }
    }

    private static InferenceOptions CpuOnly(InferenceOptions options)
    {
        var cpu = new InferenceOptions
        {
            ExecutionProviders = ["CPU"],
            IntraOpThreads = options.IntraOpThreads,
            InterOpThreads = options.InterOpThreads,
            Precision = PrecisionMode.FloatGraph,
        };
        if (options.PackageCheck is { } check)
        {
            cpu.UsePackageCheck(check);
        }

        return cpu;
    }
}
