using System.Text.Json.Serialization;

namespace EdgeRuntime.Inference.Packages;

/// <summary>
/// The image tower's graph: its input, its precision, and where the embedding comes from (a named output, or
/// composed from the final tokens), with optional token outputs of intermediate depths for dense tasks.
/// </summary>
public sealed record ImageEncoderSpec
{
    /// <summary>The float precision of the element types of both the input and the outputs.</summary>
    public const string SinglePrecision = "float32";

    /// <summary>Half precision input and outputs.</summary>
    public const string HalfPrecision = "float16";

    /// <summary>Path relative to the package.</summary>
    public required string File { get; init; }

    /// <summary>Name of the single input, [batch, 3, inputSize, inputSize].</summary>
    public required string Input { get; init; }

    /// <summary>The embedding output (format 1's key; format 2 writes <c>embedding.output</c>).</summary>
    public string? Output { get; init; }

    /// <summary><c>float32</c> (default) or <c>float16</c>: the element type of the input and the outputs.</summary>
    public string? Precision { get; init; }

    /// <summary>Where the embedding comes from (format 2).</summary>
    public EmbeddingSpec? Embedding { get; init; }

    /// <summary>The final tokens output (format 2; required by a composed embedding or dense outputs).</summary>
    public TokensSpec? Tokens { get; init; }

    /// <summary>Tokens of intermediate depths, same layout as <see cref="Tokens"/>, for dense tasks (format 2, optional).</summary>
    public IReadOnlyList<DenseOutputSpec>? Dense { get; init; }

    /// <summary>The named embedding output, if the graph has one (format 1's output or format 2's embedding.output).</summary>
    [JsonIgnore]
    public string? EmbeddingOutput => Embedding?.Output ?? Output;

    /// <summary>The precision, <see cref="SinglePrecision"/> when not declared.</summary>
    [JsonIgnore]
    public string EffectivePrecision => Precision ?? SinglePrecision;
}

/// <summary>Where the embedding comes from: exactly one of a named output or a composition of the tokens.</summary>
public sealed record EmbeddingSpec
{
    /// <summary>The class token (token 0).</summary>
    public const string ClassToken = "class-token";

    /// <summary>The mean of the patch tokens, register tokens excluded.</summary>
    public const string MeanPatch = "mean-patch";

    /// <summary>The class token, then the mean of the patch tokens (Virchow2's 2 × width).</summary>
    public const string ClassPlusMeanPatch = "class-plus-mean-patch";

    /// <summary>A graph output of shape [batch, embeddingSize].</summary>
    public string? Output { get; init; }

    /// <summary><c>class-token</c>, <c>mean-patch</c> or <c>class-plus-mean-patch</c>, from the tokens output.</summary>
    public string? Compose { get; init; }
}

/// <summary>A tokens output: [batch, prefix + gridSize², width], prefix = class token (if any) then registers.</summary>
public sealed record TokensSpec
{
    /// <summary>Output name.</summary>
    public required string Output { get; init; }

    /// <summary>Token 0 is the class token.</summary>
    public required bool ClassToken { get; init; }

    /// <summary>Register tokens after the class token; never part of a patch mean.</summary>
    public required int RegisterTokens { get; init; }

    /// <summary>Patches per side.</summary>
    public required int GridSize { get; init; }

    /// <summary>Token width.</summary>
    public required int Width { get; init; }

    /// <summary>Tokens before the first patch token.</summary>
    public int PrefixTokens => (ClassToken ? 1 : 0) + RegisterTokens;

    /// <summary>All tokens of one image.</summary>
    public int Count => PrefixTokens + (GridSize * GridSize);
}

/// <summary>Tokens after encoder block <see cref="Depth"/> (1-based), for dense tasks.</summary>
public sealed record DenseOutputSpec
{
    /// <summary>Output name.</summary>
    public required string Output { get; init; }

    /// <summary>The encoder depth the tokens are taken after.</summary>
    public required int Depth { get; init; }
}
