using System.Text.Json;
using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Text;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeRuntime.Inference.Packages;

/// <summary>
/// A loaded, verified model package: manifest, ONNX sessions for both towers, tokenizer. Loading refuses a
/// package with one <see cref="ModelPackageException"/> that lists every problem: manifest keys and values,
/// missing files, wrong hashes, ONNX input and output names and shapes that disagree with the manifest.
/// </summary>
public sealed class ModelPackage : IDisposable
{
    private ModelPackage(string directory, ModelManifest manifest, ModelIdentity identity, SessionFactory.Created image, SessionFactory.Created text, ClipTokenizer tokenizer)
    {
        Directory = directory;
        Manifest = manifest;
        Identity = identity;
        ImageSession = image.Session;
        TextSession = text.Session;
        ExecutionProvider = image.Provider;
        Tokenizer = tokenizer;
    }

    /// <summary>The package folder.</summary>
    public string Directory { get; }

    /// <summary>The manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>Id, version and manifest hash, for provenance.</summary>
    public ModelIdentity Identity { get; }

    /// <summary>The execution provider the image tower runs on.</summary>
    public string ExecutionProvider { get; }

    /// <summary>The text side's tokenizer.</summary>
    public ClipTokenizer Tokenizer { get; }

    internal InferenceSession ImageSession { get; }

    internal InferenceSession TextSession { get; }

    /// <summary>Loads and verifies the package in <paramref name="directory"/>.</summary>
    /// <exception cref="ModelPackageException">The package is refused; the message says every reason.</exception>
    public static ModelPackage Load(string directory, InferenceOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        // One form for the folder wherever it came from (configuration, --model, the plugins root): absolute, without
        // a trailing separator, so that containment checks and "is this the running model" comparisons agree.
        directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var manifestPath = Path.Combine(directory, "model.json");
        if (!File.Exists(manifestPath))
        {
            throw new ModelPackageException(directory, [System.IO.Directory.Exists(directory) ? "model.json: missing." : "the folder does not exist."]);
        }

        var manifest = ReadManifest(directory, manifestPath);
        var problems = ManifestValidator.Validate(manifest).ToList();
        problems.AddRange(PackageFiles.Verify(directory, manifest.Files));
        if (problems.Count > 0)
        {
            throw new ModelPackageException(directory, problems);
        }

        var factory = new SessionFactory(options, logger);
        SessionFactory.Created? image = null, text = null;
        try
        {
            image = CreateSession(factory, directory, manifest.ImageEncoder.File, "image encoder", problems);
            text = CreateSession(factory, directory, manifest.TextEncoder.File, "text encoder", problems);
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

            var tokenizer = ClipTokenizer.Load(
                Path.Combine(directory, manifest.Tokenizer.Vocab),
                Path.Combine(directory, manifest.Tokenizer.Merges),
                manifest.Tokenizer.ContextLength,
                manifest.Tokenizer.PadTokenId);
            var identity = new ModelIdentity(manifest.Id, manifest.Version, PackageFiles.Sha256(manifestPath));
            InferenceLog.PackageLoaded(logger, manifest.Id, manifest.Version, directory, identity.Sha256);
            return new ModelPackage(directory, manifest, identity, image!, text!, tokenizer);
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
        TextSession.Dispose();
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
