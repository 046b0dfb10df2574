namespace EdgeRuntime.Abstractions.Models;

/// <summary>The text tower of a vision-language model: prompts in, one embedding per prompt out.</summary>
public interface ITextEncoder
{
    /// <summary>Identity of the model, for provenance and for caching text embeddings.</summary>
    ModelIdentity Model { get; }

    /// <summary>Length of the embeddings this encoder produces (the same as the image side).</summary>
    int Dimension { get; }

    /// <summary>Encodes each prompt; row <c>i</c> of the result belongs to <c>prompts[i]</c>.</summary>
    ValueTask<float[]> EncodeAsync(IReadOnlyList<string> prompts, CancellationToken cancellationToken);
}
