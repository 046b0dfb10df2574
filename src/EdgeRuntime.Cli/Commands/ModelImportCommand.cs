using System.CommandLine;
using System.Diagnostics;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Plugins;

namespace EdgeRuntime.Cli.Commands;

/// <summary>
/// <c>edgert models import --family &lt;id&gt; &lt;checkpoint&gt;</c>: turns a family's published checkpoint into a model
/// package under the plugins root, with the tools shipped beside edgert (tools/import-checkpoint.py and
/// tools/families/, run by Debian's python3 with python3-torch and python3-onnx), then loads it as the service would.
/// </summary>
internal static class ModelImportCommand
{
    /// <summary>What the importer exits with when the checkpoint does not match the family's layout.</summary>
    private const int ToolMismatch = 3;

    /// <summary>The families the shipped tools import (tools/families/).</summary>
    public static readonly IReadOnlyList<string> Families = ["plip", "quiltnet", "quiltnet-pmb", "conch", "kep", "uni", "uni2", "virchow2", "prov-gigapath", "h-optimus"];

    /// <summary>The Python the importer runs with: Debian's (python3-torch, python3-onnx), unless EDGERT_PYTHON names another.</summary>
    public static string Python => Environment.GetEnvironmentVariable("EDGERT_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>The importer shipped beside edgert.</summary>
    public static string Script => Path.Combine(AppContext.BaseDirectory, "tools", "import-checkpoint.py");

    public static Command Create(CliOutput output)
    {
        var family = new Option<string>("--family") { Description = "The model family whose published layout the checkpoint has: " + string.Join(", ", Families) + ".", Required = true };
        var checkpoint = new Argument<FileSystemInfo>("checkpoint") { Description = "The checkpoint folder as the family publishes it (config.json and pytorch_model.bin or model.safetensors), or the weights file." };
        var root = new Option<DirectoryInfo?>("--out", "-o") { Description = "Plugins root: the package goes to <root>/models/<id>/<version>. Default: EdgeRuntime:Plugins:Root." }.MustBeWritableFolder("the model package");
        var id = new Option<string?>("--id") { Description = "Package id (default: the family id)." };
        var version = new Option<string>("--package-version") { Description = "Package version.", DefaultValueFactory = _ => "1.0.0" };
        var config = new Option<FileInfo?>("--config") { Description = "Extra JSON configuration file." };
        var command = new Command("import", "Import a family's checkpoint as a model package: read its published layout, load it strictly (every key used, every shape matched, else the first keys that differ are named), export it to ONNX, write model.json with hashes, licence and terms, and check the package loads. Needs Debian's python3-torch and python3-onnx. Exit codes: 0 imported, 1 the checkpoint was refused (wrong family, missing key, wrong shape) or the package did not load, 2 usage, 3 Python or the tools are missing.")
        {
            family, checkpoint, root, id, version, config,
        };
        command.SetAction((parse, cancellationToken) => output.GuardAsync(async () =>
        {
            var familyId = parse.GetValue(family)!;
            if (!Families.Contains(familyId))
            {
                throw new SettingsException([$"--family '{familyId}' is not one of {string.Join(", ", Families)}."]);
            }

            var settings = EdgertSettings.Load(parse.GetValue(config)?.FullName);
            var plugins = parse.GetValue(root)?.FullName ?? (settings.Plugins.Enabled ? settings.Plugins.Root : null)
                ?? throw new SettingsException([$"models import: give --out (a plugins root), or set {PluginOptions.Section}:{nameof(PluginOptions.Root)}."]);
            if (!File.Exists(Script))
            {
                throw new MissingToolException($"models import: {Script} is missing; the tools ship beside edgert (reinstall).");
            }

            if (!File.Exists(Python))
            {
                throw new MissingToolException($"models import: {Python} is missing; install Debian's python3, python3-torch and python3-onnx (install/apt-packages.sh).");
            }

            var modelsRoot = Path.Combine(plugins, PluginRef.Models);
            List<string> arguments = [Script, "--family", familyId, parse.GetValue(checkpoint)!.FullName, "--out", modelsRoot, "--version", parse.GetValue(version)!];
            if (parse.GetValue(id) is { } packageId)
            {
                arguments.AddRange(["--id", packageId]);
            }

            var (exit, stdout, stderr) = await RunAsync(Python, arguments, cancellationToken);
            if (exit != 0)
            {
                var message = stderr.Trim().Split('\n').LastOrDefault(l => l.Length > 0)?.Replace("import-checkpoint: ", "", StringComparison.Ordinal) ?? $"exited {exit}";
                if (exit == ToolMismatch)
                {
                    throw new InvalidDataException($"models import --family {familyId}: refused: {message}");
                }

                throw new InvalidDataException($"models import --family {familyId}: the importer failed (exit {exit}): {message}");
            }

            var package = stdout.Trim().Split('\n').Last().Trim();
            using (var logging = ModelLoading.Logging(output.Error))
            {
                // As the service would load it: a package the runtime refuses is not left looking imported.
                try
                {
                    Inference.Packages.ModelPackage.Load(package, settings.Inference, logging.CreateLogger("edgert")).Dispose();
                }
                catch (Inference.Packages.ModelPackageException)
                {
                    Directory.Delete(package, recursive: true);
                    throw;
                }
            }

            var manifest = Inference.Packages.ModelPackage.ReadManifest(package);
            output.Out.WriteLine($"Imported    {package}");
            output.Out.WriteLine($"Model:      {manifest.Id} {manifest.Version}: {manifest.Name}");
            output.Out.WriteLine($"Serves:     {Inference.Packages.ModelServes.Describe(manifest)}");
            output.Out.WriteLine($"Activate:   edgert plugins activate models {manifest.Id} {manifest.Version}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new MissingToolException($"models import: could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
