using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Inference.Packages;
using Microsoft.ML.OnnxRuntime;

namespace EdgeRuntime.Inference.Onnx;

/// <summary>The text tower of a package on ONNX Runtime, with the package's tokenizer.</summary>
public sealed class OnnxTextEncoder(ModelPackage package) : ITextEncoder
{
    /// <inheritdoc />
    public ModelIdentity Model => package.Identity;

    /// <inheritdoc />
    public int Dimension => package.Manifest.EmbeddingSize;

    /// <inheritdoc />
    public ValueTask<float[]> EncodeAsync(IReadOnlyList<string> prompts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (!package.HasTextTower)
        {
            // Text tasks are refused at activation (TaskModelFit); this is the last word for any caller that was not.
            throw package.NoTextTower();
        }

        var context = package.Tokenizer.ContextLength;
        var ids = new long[prompts.Count * context];
        var mask = new long[prompts.Count * context];
        for (var i = 0; i < prompts.Count; i++)
        {
            var written = package.Tokenizer.EncodeToContext(prompts[i], ids.AsSpan(i * context, context));
            mask.AsSpan(i * context, written.Length).Fill(1);
        }

        var result = new float[prompts.Count * Dimension];
        if (prompts.Count == 0)
        {
            return ValueTask.FromResult(result);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var spec = package.Manifest.TextEncoder!;
        using var input = OrtValue.CreateTensorValueFromMemory(ids, [prompts.Count, context]);
        using var maskInput = OrtValue.CreateTensorValueFromMemory(mask, [prompts.Count, context]);
        using var output = OrtValue.CreateTensorValueFromMemory(result, [prompts.Count, Dimension]);
        using var runOptions = new RunOptions();
        if (spec.AttentionMask is { } maskName)
        {
            package.TextSession.Run(runOptions, [spec.Input, maskName], [input, maskInput], [spec.Output], [output]);
        }
        else
        {
            package.TextSession.Run(runOptions, [spec.Input], [input], [spec.Output], [output]);
        }

        return ValueTask.FromResult(result);
    }
}
