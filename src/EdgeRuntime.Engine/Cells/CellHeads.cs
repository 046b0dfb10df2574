using System.Runtime.CompilerServices;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Inference.Heads;
using EdgeRuntime.Inference.Onnx;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Engine.Cells;

/// <summary>
/// The configured cell head (<c>Processing:CellHead</c>), loaded once per model runtime and checked against that
/// model: a head is bound to the encoder it was trained on, so a model swap brings the head's check again, and a slide
/// keeps the head it started with (the model's lease holds both).
/// </summary>
internal sealed class CellHeads(EngineOptions processing, ILoggerFactory loggers)
{
    private readonly ConditionalWeakTable<ModelRuntime, CellHead> loaded = [];
    private readonly Lock gate = new();

    /// <summary>The cell task for <paramref name="model"/>, or null when no head is configured.</summary>
    /// <exception cref="CellHeadException">The head is refused for this model (another encoder, a bad package); the message says why.</exception>
    public CellTask? TaskFor(ModelRuntime model)
    {
        if (string.IsNullOrWhiteSpace(processing.CellHead))
        {
            return null;
        }

        lock (gate)
        {
            if (!loaded.TryGetValue(model, out var head))
            {
                head = CellHead.Load(processing.CellHead, model.Package, new InferenceOptions(), loggers.CreateLogger("EdgeRuntime.Cells"));
                loaded.Add(model, head);
            }

            return new CellTask(head);
        }
    }
}
