using System.Text.Json;
using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Foundation.Diagnostics;
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
/// <remarks>
/// The text tower (its session and tokenizer: a third of a small model's start-up) is opened when something first
/// encodes text, not at load, where the package check (<see cref="InferenceOptions.UsePackageCheck"/>) vouched for the
/// package: a child process opened both towers of these very files and ran each once, and every listed file was
/// hashed again here, so the text tower opens as it opened there. Most runs never need it: the class embeddings
/// come from their cache, and image-only tasks use none. Opened late, its files are hashed again first (they may have
/// changed since), and a failure is the loader's refusal, naming the file. Without a package check (the verification
/// child itself, tools) the text tower opens at load, as before, so a broken one is refused there.
/// </remarks>
public sealed class ModelPackage : IDisposable
{
    private readonly Lock textGate = new();
    private readonly SessionFactory sessions;
    private readonly ILogger logger;
    private TextTower? text;
    private bool disposed;

    private ModelPackage(string directory, ModelManifest manifest, ModelIdentity identity, SessionFactory.Created image, TextTower? text, SessionFactory sessions, ILogger logger)
    {
        Directory = directory;
        Manifest = manifest;
        Identity = identity;
        ImageSession = image.Session;
        this.text = text;
        this.sessions = sessions;
        this.logger = logger;
        ExecutionProvider = image.Provider;
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
    public bool HasTextTower => Manifest.TextEncoder is not null;

    /// <summary>Whether the text tower's session and tokenizer are open (at load, or since text was first encoded).</summary>
    public bool TextTowerOpen
    {
        get
        {
            lock (textGate)
            {
                return text is not null;
            }
        }
    }

    /// <summary>The text side's tokenizer; opens the text tower if it is not open yet.</summary>
    /// <exception cref="ModelCapabilityException">The model is vision-only.</exception>
    /// <exception cref="ModelPackageException">The text tower, opened now, is refused; the message names the file.</exception>
    public ITextTokenizer Tokenizer => OpenText().Tokenizer ?? throw NoTextTower();

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

    internal InferenceSession TextSession => OpenText().Session;

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
        // A check that returns vouches for the package (see the remarks): only then may the text tower wait.
        var deferText = options.PackageCheck is not null;
        using (StartupPhases.Begin("model: verification (a child edgert, or its kept verdict)"))
        {
            options.PackageCheck?.Invoke(directory, null); // before anything of the package is read here (docs/security.md, plugins)
        }

        var checking = StartupPhases.Begin("model: manifest, every listed file's SHA-256, external data");
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

        checking?.Dispose();
        if (problems.Count > 0)
        {
            throw new ModelPackageException(directory, problems);
        }

        var factory = new SessionFactory(options, logger);
        SessionFactory.Created? image = null;
        TextTower? text = null;
        try
        {
            using (StartupPhases.Begin("model: image session"))
            {
                image = CreateSession(factory, directory, manifest.ImageEncoder.File, "image encoder", problems);
            }

            if (image is not null)
            {
                problems.AddRange(OnnxSignature.CheckImage(image.Session, manifest));
            }

            if (!deferText && manifest.TextEncoder is not null)
            {
                // Every problem of both towers in one refusal, as a person fixing the package wants them.
                text = OpenTextTower(factory, directory, manifest, problems);
            }

            if (problems.Count > 0)
            {
                throw new ModelPackageException(directory, problems);
            }

            var identity = new ModelIdentity(manifest.Id, manifest.Version, PackageFiles.Sha256(manifestPath));
            InferenceLog.PackageLoaded(logger, manifest.Id, manifest.Version, directory, identity.Sha256);
            return new ModelPackage(directory, manifest, identity, image!, text, factory, logger);
        }
        catch
        {
            image?.Session.Dispose();
            text?.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (textGate)
        {
            disposed = true;
            text?.Dispose();
        }

        ImageSession.Dispose();
    }

    // The text tower, opened now if it is not open: its files hashed again (they may have changed since the load
    // hashed them), then its session and tokenizer, each problem the loader's, naming the file.
    private TextTower OpenText()
    {
        lock (textGate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (text is not null)
            {
                return text;
            }

            if (Manifest.TextEncoder is not { } spec)
            {
                throw NoTextTower();
            }

            using var phase = StartupPhases.Begin("model: text tower, opened at first use");
            // The graph's and tokenizer's hashes first: a changed graph is named as changed, not as unreadable.
            var tokenizerFiles = Manifest.Tokenizer is { } tokenizer ? TokenizerRules.Files(tokenizer).Select(f => f.File) : [];
            var problems = PackageFiles.Verify(Directory, Listed(tokenizerFiles.Prepend(spec.File))).ToList();
            if (problems.Count == 0)
            {
                problems.AddRange(OnnxExternalData.Check(Directory, spec.File, Manifest.Files));
            }

            if (problems.Count == 0)
            {
                problems.AddRange(PackageFiles.Verify(Directory, Listed(ExternalData(spec))));
            }

            var opened = problems.Count == 0 ? OpenTextTower(sessions, Directory, Manifest, problems) : null;
            if (opened is null || problems.Count > 0)
            {
                opened?.Dispose();
                throw new ModelPackageException(Directory, problems);
            }

            InferenceLog.TextTowerOpenedAtFirstUse(logger, Identity.Id, Identity.Version);
            return text = opened;
        }
    }

    // The package-relative names of the files a graph keeps its external data in.
    private IEnumerable<string> ExternalData(OnnxGraphSpec spec)
    {
        var graph = Path.Combine(Directory, spec.File);
        return OnnxExternalData.Read(graph).Select(r =>
            Path.GetRelativePath(Directory, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(graph)!, r.Location))).Replace(Path.DirectorySeparatorChar, '/'));
    }

    // Those of the named files the manifest lists, with their hashes.
    private Dictionary<string, string> Listed(IEnumerable<string> names) =>
        names.Distinct(StringComparer.Ordinal).Where(Manifest.Files.ContainsKey).ToDictionary(n => n, n => Manifest.Files[n], StringComparer.Ordinal);

    // Session, signature and tokenizer of a manifest's text tower; what is wrong goes to problems (then null).
    private static TextTower? OpenTextTower(SessionFactory factory, string directory, ModelManifest manifest, List<string> problems)
    {
        SessionFactory.Created? session;
        using (StartupPhases.Begin("model: text session"))
        {
            session = CreateSession(factory, directory, manifest.TextEncoder!.File, "text encoder", problems);
        }

        if (session is null)
        {
            return null;
        }

        var signature = OnnxSignature.CheckText(session.Session, manifest).ToList();
        if (signature.Count > 0)
        {
            problems.AddRange(signature);
            session.Session.Dispose();
            return null;
        }

        try
        {
            using (StartupPhases.Begin("model: tokenizer"))
            {
                return new TextTower(session.Session, manifest.Tokenizer is { } spec ? LoadTokenizer(directory, spec) : null);
            }
        }
        catch (ModelPackageException e)
        {
            problems.AddRange(e.Problems);
            session.Session.Dispose();
            return null;
        }
    }

    private sealed record TextTower(InferenceSession Session, ITextTokenizer? Tokenizer) : IDisposable
    {
        public void Dispose() => Session.Dispose();
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
