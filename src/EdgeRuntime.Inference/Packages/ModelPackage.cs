using System.Text.Json;
using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Precision;
using EdgeRuntime.Inference.Text;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeRuntime.Inference.Packages;

/// <summary>
/// A loaded, verified model package: manifest, ONNX sessions for its towers (the image tower, and the text tower of a
/// vision-language model), tokenizer. Loading refuses a package with one <see cref="ModelPackageException"/> that
/// lists every problem: manifest keys and values, missing files, wrong hashes, external data outside the package or
/// unhashed, ONNX input and output names, shapes and element types that disagree with the manifest.
/// </summary>
public sealed class ModelPackage : IDisposable
{
    private readonly InferenceSession? textSession;
    private readonly ITextTokenizer? tokenizer;

    private ModelPackage(string directory, ModelManifest manifest, ModelIdentity identity, SessionFactory.Created image, SessionFactory.Created? text, ITextTokenizer? tokenizer)
    {
        Directory = directory;
        Manifest = manifest;
        Identity = identity;
        ImageSession = image.Session;
        textSession = text?.Session;
        ExecutionProvider = image.Provider;
        this.tokenizer = tokenizer;
        Precision = new ImagePrecision(manifest.ImageEncoder.EffectivePrecision, null);
    }

    /// <summary>The package folder.</summary>
    public string Directory { get; }

    /// <summary>The manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>Id, version and manifest hash, for provenance.</summary>
    public ModelIdentity Identity { get; }

    /// <summary>The execution provider the image tower runs on.</summary>
    public string ExecutionProvider { get; }

    /// <summary>Whether the model has a text tower (vision-language); a vision-only model serves no text task.</summary>
    public bool HasTextTower => textSession is not null;

    /// <summary>The text side's tokenizer.</summary>
    /// <exception cref="ModelCapabilityException">The model is vision-only.</exception>
    public ITextTokenizer Tokenizer => tokenizer ?? throw NoTextTower();

    /// <summary>The arithmetic of the image tower in use: the package's own graph's, or the gated int8 copy's.</summary>
    public ImagePrecision Precision { get; private set; }

    internal InferenceSession ImageSession { get; private set; }

    // Before any encoder is made on the package (an encoder keeps the session it was made with).
    internal void UseImageSession(InferenceSession session, ImagePrecision precision)
    {
        var previous = ImageSession;
        ImageSession = session;
        Precision = precision;
        previous.Dispose();
    }

    internal InferenceSession TextSession => textSession ?? throw NoTextTower();

    /// <summary>The refusal of a text task by a model without a text tower, with the reason.</summary>
    public ModelCapabilityException NoTextTower() =>
        new($"Model {Identity.Id} {Identity.Version} is vision-only (model.json kind '{Manifest.Kind}'): it has no text tower, so it cannot encode text (zero-shot tagging, zero-shot segmentation, text search).");

    /// <summary>Loads and verifies the package in <paramref name="directory"/>.</summary>
    /// <exception cref="ModelPackageException">The package is refused; the message says every reason.</exception>
    public static ModelPackage Load(string directory, InferenceOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        // One form for the folder wherever it came from (configuration, --model, the plugins root): absolute, without
        // a trailing separator, so that containment checks and "is this the running model" comparisons agree.
        directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        options.PackageCheck?.Invoke(directory, null); // before anything of the package is read here (docs/security.md, plugins)
        var manifestPath = Path.Combine(directory, "model.json");
        if (!File.Exists(manifestPath))
        {
            throw new ModelPackageException(directory, [System.IO.Directory.Exists(directory) ? "model.json: missing." : "the folder does not exist."]);
        }

        var manifest = ReadManifest(directory, manifestPath);
        var problems = ManifestValidator.Validate(manifest).ToList();
        problems.AddRange(PackageFiles.Verify(directory, manifest.Files));
        if (problems.Count == 0)
        {
            // Before any session opens a file: ONNX Runtime follows a graph's external-data paths wherever they lead.
            foreach (var graph in new[] { manifest.ImageEncoder.File, manifest.TextEncoder?.File }.OfType<string>())
            {
                problems.AddRange(OnnxExternalData.Check(directory, graph, manifest.Files));
            }
        }

        if (problems.Count > 0)
        {
            throw new ModelPackageException(directory, problems);
        }

        var factory = new SessionFactory(options, logger);
        SessionFactory.Created? image = null, text = null;
        try
        {
            image = CreateSession(factory, directory, manifest.ImageEncoder.File, "image encoder", problems);
            text = manifest.TextEncoder is { } textEncoder ? CreateSession(factory, directory, textEncoder.File, "text encoder", problems) : null;
            if (image is not null)
            {
                problems.AddRange(OnnxSignature.CheckImage(image.Session, manifest));
            }

            if (text is not null)
            {
                problems.AddRange(OnnxSignature.CheckText(text.Session, manifest));
            }

            if (problems.Count > 0)
            {
                throw new ModelPackageException(directory, problems);
            }

            var tokenizer = manifest.Tokenizer is { } spec ? LoadTokenizer(directory, spec) : null;
            var identity = new ModelIdentity(manifest.Id, manifest.Version, PackageFiles.Sha256(manifestPath));
            InferenceLog.PackageLoaded(logger, manifest.Id, manifest.Version, directory, identity.Sha256);
            return new ModelPackage(directory, manifest, identity, image!, text, tokenizer);
        }
        catch
        {
            image?.Session.Dispose();
            text?.Session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ImageSession.Dispose();
        textSession?.Dispose();
    }

    /// <summary>Reads a package's manifest alone (no hashes, no sessions), for listings.</summary>
    /// <exception cref="ModelPackageException">model.json is missing or not a manifest.</exception>
    public static ModelManifest ReadManifest(string directory)
    {
        var manifestPath = Path.Combine(directory, "model.json");
        return File.Exists(manifestPath) ? ReadManifest(directory, manifestPath) : throw new ModelPackageException(directory, ["model.json: missing."]);
    }

    private static ModelManifest ReadManifest(string directory, string manifestPath)
    {
        try
        {
            using var stream = File.OpenRead(manifestPath);
            return JsonSerializer.Deserialize(stream, ManifestJsonContext.Default.ModelManifest)
                ?? throw new ModelPackageException(directory, ["model.json: empty."]);
        }
        catch (JsonException e)
        {
            throw new ModelPackageException(directory, [$"model.json: {Foundation.JsonErrorText.Describe(e, ManifestJsonContext.Default.ModelManifest)}"]);
        }
    }

    // A tokenizer file that passed its hash but is not what its kind reads is the package's fault: say which file.
    private static ITextTokenizer LoadTokenizer(string directory, TokenizerSpec spec)
    {
        try
        {
            return TokenizerRules.Load(directory, spec);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or FormatException or ArgumentException)
        {
            throw new ModelPackageException(directory, [$"tokenizer ({spec.Kind}): {e.Message}"]);
        }
    }

    private static SessionFactory.Created? CreateSession(SessionFactory factory, string directory, string file, string name, List<string> problems)
    {
        try
        {
            return factory.Create(Path.Combine(directory, file), name);
        }
        catch (OnnxRuntimeException e)
        {
            problems.Add($"{file}: ONNX Runtime cannot load it as the {name}: {e.Message.Split('\n')[0]}");
            return null;
        }
    }
}
