using System.Text.Json.Serialization;

namespace EdgeRuntime.Inference.Packages;

/// <summary>
/// The <c>model.json</c> of a model package, as written on disk. docs/model-package.schema.json is its JSON
/// Schema (format 1 and format 2, docs/model-package-format-2.md). Unknown keys are refused when reading, so a
/// misspelt key is an error, not a silent default. A format-1 manifest reads as the format-2 one it implies: a
/// vision-language model whose embedding is the image encoder's named output.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>The kind of a model with an image and a text tower.</summary>
    public const string VisionLanguage = "vision-language";

    /// <summary>The kind of a model with an image tower alone (a foundation encoder such as UNI).</summary>
    public const string VisionOnly = "vision-only";

    /// <summary>
    /// The temperature prototype scores use when neither the model (vision-only models have none) nor the prototype
    /// set declares one: CLIP's, so that few-shot scores read alike across families.
    /// </summary>
    public const double DefaultLogitScale = 100.0;

    /// <summary>Version of the manifest format; this runtime reads 1 and 2.</summary>
    public required int SchemaVersion { get; init; }

    /// <summary>Stable identifier, such as <c>plip</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Human-readable name.</summary>
    public required string Name { get; init; }

    /// <summary>Version of this package.</summary>
    public required string Version { get; init; }

    /// <summary>Model family (<c>clip</c>, <c>conch</c>), which prompt sets declare they were written for.</summary>
    public required string Family { get; init; }

    /// <summary><c>vision-language</c> or <c>vision-only</c> (format 2; format 1 is always vision-language).</summary>
    [JsonPropertyName("kind")]
    public string? DeclaredKind { get; init; }

    /// <summary>The kind, format 1's implied one included.</summary>
    [JsonIgnore]
    public string Kind => DeclaredKind ?? VisionLanguage;

    /// <summary>Whether the package has a text tower (and so can serve zero-shot tasks and text search).</summary>
    [JsonIgnore]
    public bool HasTextTower => Kind == VisionLanguage;

    /// <summary>Licence of the weights and files.</summary>
    public required string License { get; init; }

    /// <summary>The terms the weights come with (gated, commercial use), shown by <c>plugins list</c> (format 2, optional).</summary>
    public ModelTerms? Terms { get; init; }

    /// <summary>Where the weights came from and how they were exported.</summary>
    public required string Source { get; init; }

    /// <summary>The image tower.</summary>
    public required ImageEncoderSpec ImageEncoder { get; init; }

    /// <summary>The text tower; absent when the model is vision-only.</summary>
    public OnnxGraphSpec? TextEncoder { get; init; }

    /// <summary>How text becomes token ids; absent when the model is vision-only.</summary>
    public TokenizerSpec? Tokenizer { get; init; }

    /// <summary>How a tile becomes the image tower's input.</summary>
    public required PreprocessingSpec Preprocessing { get; init; }

    /// <summary>Length of the (projected) embeddings both towers produce.</summary>
    public required int EmbeddingSize { get; init; }

    /// <summary>The learned temperature as model.json declares it (vision-language models; absent when vision-only).</summary>
    [JsonPropertyName("logitScale")]
    public double? DeclaredLogitScale { get; init; }

    /// <summary>
    /// The learned temperature: logits = logit scale × cosine. Read from the checkpoint, not assumed; a vision-only
    /// model has none, and scores against prototypes with <see cref="DefaultLogitScale"/>.
    /// </summary>
    [JsonIgnore]
    public double LogitScale => DeclaredLogitScale ?? DefaultLogitScale;

    /// <summary>The resolution and tile size the model was trained at.</summary>
    public required TilingSpec Tiling { get; init; }

    /// <summary>SHA-256 (lower-case hex) of every file of the package, by path relative to the package.</summary>
    public required IReadOnlyDictionary<string, string> Files { get; init; }
}

/// <summary>An ONNX graph of the package and the names of its input and output.</summary>
public sealed record OnnxGraphSpec
{
    /// <summary>Path relative to the package.</summary>
    public required string File { get; init; }

    /// <summary>Name of the single input.</summary>
    public required string Input { get; init; }

    /// <summary>Name of the output holding the projected embedding.</summary>
    public required string Output { get; init; }

    /// <summary>
    /// Text encoder only, optional: name of a second input [batch, contextLength] int64, 1 for a token and 0 for
    /// padding, fed from the tokenizer (BERT text towers).
    /// </summary>
    public string? AttentionMask { get; init; }
}

/// <summary>The tokenizer and its files; which keys apply depends on <see cref="Kind"/>.</summary>
public sealed record TokenizerSpec
{
    /// <summary><c>clip-bpe</c>, <c>wordpiece</c> or <c>bpe-json</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>clip-bpe: <c>vocab.json</c>; wordpiece: <c>vocab.txt</c>; relative to the package.</summary>
    public string? Vocab { get; init; }

    /// <summary>clip-bpe: <c>merges.txt</c> relative to the package.</summary>
    public string? Merges { get; init; }

    /// <summary>bpe-json: the Hugging Face <c>tokenizer.json</c> relative to the package.</summary>
    public string? File { get; init; }

    /// <summary>wordpiece: true for an uncased vocabulary (lower case, accents stripped).</summary>
    public bool? Lowercase { get; init; }

    /// <summary>Token ids per text, padding included: the text tower's input length (77 CLIP, 128 CONCH, 256 PubMedBERT towers).</summary>
    public required int ContextLength { get; init; }

    /// <summary>
    /// The most ids of a text before padding, start and end included; default <see cref="ContextLength"/>. CONCH: 127,
    /// its last position being where its text tower puts its class token.
    /// </summary>
    public int? MaxTokens { get; init; }

    /// <summary>Id written after the end token (0 for OpenAI CLIP, open_clip, BERT's [PAD] and CONCH's &lt;pad&gt;; 49407 for Hugging Face CLIP).</summary>
    public int PadTokenId { get; init; }
}

/// <summary>Image preprocessing, as the model's own processor does it.</summary>
public sealed record PreprocessingSpec
{
    /// <summary>Side of the square input in pixels (224 for CLIP ViT-B/32, 448 for CONCH).</summary>
    public required int InputSize { get; init; }

    /// <summary><c>shortest-side</c> (resize the shorter side to the input size, keep the aspect) or <c>exact</c>.</summary>
    public required string Resize { get; init; }

    /// <summary><c>bicubic</c> or <c>bilinear</c>, with Pillow's definitions.</summary>
    public required string Interpolation { get; init; }

    /// <summary>Crop the centre square after resizing.</summary>
    public required bool CenterCrop { get; init; }

    /// <summary>
    /// With <c>shortest-side</c>: the side the shorter side is resized to before the crop, when larger than the
    /// input size (Prov-GigaPath: 256, then the centre 224). Default: the input size.
    /// </summary>
    public int? ResizeTo { get; init; }

    /// <summary>Per-channel mean subtracted from values scaled to 0–1.</summary>
    public required IReadOnlyList<double> Mean { get; init; }

    /// <summary>Per-channel standard deviation divided by.</summary>
    public required IReadOnlyList<double> Std { get; init; }

    /// <summary><c>RGB</c> or <c>BGR</c>: the order of channels the graph expects.</summary>
    public required string ChannelOrder { get; init; }
}

/// <summary>What tiles the model wants to see.</summary>
public sealed record TilingSpec
{
    /// <summary>µm/px the model was trained at.</summary>
    public required double TargetMicronsPerPixel { get; init; }

    /// <summary>Tile side in pixels at that resolution.</summary>
    public required int TileSize { get; init; }
}

/// <summary>Source-generated, strict JSON for manifests.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    WriteIndented = true)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
