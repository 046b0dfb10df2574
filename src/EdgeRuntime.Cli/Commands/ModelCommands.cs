using System.CommandLine;
using System.Globalization;
using EdgeRuntime.Cli.Configuration;

namespace EdgeRuntime.Cli.Commands;

/// <summary><c>edgert models check</c>: validate a model package and print what it is, and with <c>--providers</c> which execution providers can run here.</summary>
internal static class ModelCommands
{
    public static Command Create(CliOutput output)
    {
        var models = new Command("models", "Work with model packages (a folder with model.json, ONNX graphs and tokenizer files).");
        var directory = new Argument<DirectoryInfo?>("directory") { Description = "The package folder (optional with --providers).", Arity = ArgumentArity.ZeroOrOne };
        var config = new Option<FileInfo?>("--config") { Description = "Extra JSON configuration file." };
        var providers = new Option<bool>("--providers") { Description = "Also say, for each execution provider, whether this build has it and whether its libraries are installed here (docs/gpu.md)." };
        var check = new Command("check", "Validate a package (manifest, file hashes, ONNX inputs and outputs against the manifest) and print its summary.")
        {
            directory, config, providers,
        };
        check.SetAction(parse => output.Guard(() =>
        {
            var settings = EdgertSettings.Load(parse.GetValue(config)?.FullName);
            if (parse.GetValue(providers))
            {
                PrintProviders(settings);
            }

            if (parse.GetValue(directory) is null)
            {
                return parse.GetValue(providers) ? ExitCodes.Success : throw new SettingsException(["models check: give the package folder (or --providers alone)."]);
            }

            using var logging = ModelLoading.Logging(output.Error);
            using var package = Inference.Packages.ModelPackage.Load(parse.GetValue(directory)!.FullName, settings.Inference, logging.CreateLogger("edgert"));
            var m = package.Manifest;
            var inv = CultureInfo.InvariantCulture;
            output.Out.WriteLine($"OK           {package.Directory}");
            output.Out.WriteLine($"Model:       {m.Id} {m.Version}: {m.Name}");
            output.Out.WriteLine($"Family:      {m.Family}");
            output.Out.WriteLine($"Serves:      {Inference.Packages.ModelServes.Describe(m)}");
            output.Out.WriteLine($"Licence:     {m.License}");
            output.Out.WriteLine($"Source:      {m.Source}");
            output.Out.WriteLine(string.Create(inv, $"Image:       {m.Preprocessing.InputSize} px, resize {m.Preprocessing.Resize} ({m.Preprocessing.Interpolation}){(m.Preprocessing.CenterCrop ? ", centre crop" : string.Empty)}, mean [{string.Join(", ", m.Preprocessing.Mean)}], std [{string.Join(", ", m.Preprocessing.Std)}], {m.Preprocessing.ChannelOrder}"));
            output.Out.WriteLine(m.Tokenizer is { } t ? $"Text:        {t.Kind}, context {t.ContextLength}, pad id {t.PadTokenId}" : "Text:        none (vision-only)");
            output.Out.WriteLine(m.ImageEncoder.Embedding?.Compose is { } compose
                ? string.Create(inv, $"Embedding:   {m.EmbeddingSize}, {compose} of {m.ImageEncoder.Tokens!.Count} tokens ({m.ImageEncoder.Tokens.RegisterTokens} registers), {m.ImageEncoder.EffectivePrecision}{(m.ImageEncoder.Dense is { Count: > 0 } d ? $", dense depths {string.Join(", ", d.Select(x => x.Depth))}" : "")}")
                : string.Create(inv, $"Embedding:   {m.EmbeddingSize}, logit scale {m.LogitScale:0.####}"));
            output.Out.WriteLine(string.Create(inv, $"Tiles:       {m.Tiling.TileSize} px at {m.Tiling.TargetMicronsPerPixel} µm/px"));
            output.Out.WriteLine($"Runs on:     {package.ExecutionProvider}");
            output.Out.WriteLine($"Manifest:    SHA-256 {package.Identity.Sha256}");
            output.Out.WriteLine($"Files:       {m.Files.Count}, all present with the stated SHA-256");
            return ExitCodes.Success;
        }));
        models.Subcommands.Add(check);
        models.Subcommands.Add(ModelImportCommand.Create(output));
        return models;

        void PrintProviders(EdgertSettings settings)
        {
            output.Out.WriteLine($"ONNX Runtime: {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version}, built with {string.Join(", ", Inference.Onnx.ProviderProbe.Built)}");
            var chosen = settings.Inference.EffectiveProviders.FirstOrDefault(p => Inference.Onnx.ProviderProbe.WhyNot(p) is null) ?? "CPU";
            foreach (var provider in Inference.Onnx.InferenceOptions.KnownProviders)
            {
                var why = Inference.Onnx.ProviderProbe.WhyNot(provider);
                output.Out.WriteLine($"{provider,-9} {(why is null ? "can run here" : "not here: " + why)}");
            }

            output.Out.WriteLine($"Order:       {string.Join(" > ", settings.Inference.EffectiveProviders)} ({Inference.Onnx.InferenceOptions.Section}:ExecutionProviders); sessions start on {chosen}");
        }
    }
}
