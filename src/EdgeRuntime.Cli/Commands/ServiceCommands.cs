using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Cli.Hosting;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Foundation.Diagnostics;
using EdgeRuntime.Journal;
using EdgeRuntime.Plugins;
using EdgeRuntime.Plugins.Tasks;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Runtime.Swapping;
using EdgeRuntime.Slides.Reading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cli.Commands;

/// <summary><c>edgert run | process | status</c>: the service, the same pipeline on one slide, and the journal.</summary>
internal static class ServiceCommands
{
    public static Command Run(CliOutput output)
    {
        var config = new Option<FileInfo?>("--config") { Description = "Extra JSON configuration file over appsettings.json (environment variables EdgeRuntime__Section__Key apply last)." };
        var command = new Command("run", "Run the service: watch the inbox, process each complete slide once, publish results, state and metrics over MQTT (embedded broker when none is configured). Stops gracefully on SIGTERM or Ctrl+C. "
            + "The keys a site sets first: EdgeRuntime:Inbox:Path, EdgeRuntime:Journal:DatabasePath, EdgeRuntime:Processing:ResultsDirectory, EdgeRuntime:Processing:ModelPackage, "
            + "EdgeRuntime:Plugins:Root, EdgeRuntime:Mqtt:Host, Port, Username, Password (and AdminUsername, AdminPassword, UseTls, Tls:CaFile), "
            + "EdgeRuntime:Broker:ReadOnlyAccounts and Broker:Tls for the embedded broker. Every key, with its default and what it does: the commented appsettings.json beside edgert (config/appsettings.json in the source).")
        {
            config,
        };
        command.SetAction((parse, cancellationToken) => output.GuardAsync(async () =>
        {
            var settings = EdgertSettings.Load(parse.GetValue(config)?.FullName);

            // The configuration names the model: every place it names to write is checked before the model is opened.
            ServicePlaces.Require(settings);
            using var logging = ModelLoading.Logging(output.Error);

            // A version in the active file that cannot be used is left out (its kind as configured), never the node's end.
            var refused = new List<StartingPlugins.Refusal>();
            var usable = settings.Plugins.Enabled
                ? StartingPlugins.UsableModelParts(settings.Plugins, settings.Inference, settings.ModelPackageDirectory, logging.CreateLogger("edgert"), refused)
                : ActivePlugins.None;
            settings.ApplyActivePlugins(usable);
            var model = await SlideRunner.LoadModelAsync(settings, logging.CreateLogger("edgert"), cancellationToken);
            using var host = ServiceHost.Build(settings, model);

            // Loaded before anything starts, with the service's own logging, which the plugins keep for their services.
            var loggers = host.Services.GetRequiredService<ILoggerFactory>();
            var (tasks, runningTasks) = StartingPlugins.LoadUsableTasks(settings.Plugins, host.Services.GetRequiredService<TaskHost>(), loggers.CreateLogger("edgert"), refused);
            TaskModelFit.Check(model, tasks.Tasks.Select(t => t.Task));
            host.Services.GetRequiredService<TaskProvider>().Swap(tasks);
            StartingPlugins.Report(refused, usable with { Tasks = usable.Tasks is null ? null : runningTasks }, settings.Plugins, host.Services.GetRequiredService<SlideJournal>(), host.Services.GetRequiredService<Journal.Signals.OutboxSignal>(), loggers.CreateLogger("edgert"));
            StartupLog.Write(loggers.CreateLogger("edgert"), model, tasks, settings.Inference);
            try
            {
                await host.RunAsync(cancellationToken);
            }
            catch (JournalLostException e)
            {
                // Whichever component met it first (the guard's timer, a transaction), the same message and exit code.
                output.Error.WriteLine("edgert: " + e.Message);
                return Ingest.JournalGuard.ExitCode;
            }

            // The journal guard, stopping the service, set the process's exit code.
            return Environment.ExitCode != 0 ? Environment.ExitCode : ExitCodes.Success;
        }));
        return command;
    }

    public static Command Process(CliOutput output)
    {
        var file = new Argument<FileInfo>("slide") { Description = "The slide (or image) to process." };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "Results folder (result.json, tiles.csv.gz, overlay.png go to <out>/<slide id>/). Default: EdgeRuntime:Processing:ResultsDirectory." }.MustBeWritableFolder("the results");
        var models = new ModelLoading();
        var common = new CommonOptions();
        var command = new Command("process", "Run the service's pipeline on one slide and print its result document (progress on standard error).")
        {
            file, outDir, models.Model,
        };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => output.GuardAsync(async () =>
        {
            var configuring = StartupPhases.Begin("configuration: load, bind, validate");
            var settings = common.Load(parse);
            if (parse.GetValue(outDir) is { } directory)
            {
                settings.Processing.ResultsDirectory = directory.FullName;
            }

            models.Apply(parse, settings);
            configuring?.Dispose();

            using var logging = ModelLoading.Logging(output.Error);
            var logger = logging.CreateLogger("edgert");
            var loading = StartupPhases.Begin("model");
            var model = await SlideRunner.LoadModelAsync(settings, logger, cancellationToken);
            loading?.Dispose();
            // The service's composition: the container owns the model and the tasks from here, and releases them.
            var composing = StartupPhases.Begin("composition: the container");
            using var services = Composition.ForCommand(logging, settings, (s, sections) => s.AddProcessing(sections, model).AddTaskPlugins(sections));
            composing?.Dispose();
            var path = parse.GetValue(file)!.FullName;
            string id;
            using (StartupPhases.Begin("slide id"))
            {
                id = SlideRunner.SlideId(services.GetRequiredService<SlideOpener>(), path);
            }

            SlideTaskSet tasks;
            using (StartupPhases.Begin("task plugins"))
            {
                tasks = Composition.LoadActiveTasks(services, logger);
            }

            TaskModelFit.Check(services.GetRequiredService<ModelProvider>().Current, tasks.Tasks.Select(t => t.Task));
            var running = StartupPhases.Begin("slide: run and commit");
            var result = await services.GetRequiredService<ResultCommitter>().ProcessAsync(id, path, new ProgressBar(output.Error, output.ErrorIsTerminal), cancellationToken);
            running?.Dispose();
            output.Out.WriteLine(result.Document.ToJsonString(Journal.Events.PayloadJson.Indented));
            output.Error.WriteLine($"results: {result.Directory}");
            return ExitCodes.Success;
        }));
        return command;
    }

    public static Command Status(CliOutput output)
    {
        var config = new Option<FileInfo?>("--config") { Description = "Extra JSON configuration file (for the journal's location)." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var command = new Command("status", "Read the journal: slides waiting, in progress, done, and failed with their reasons; messages waiting for the broker.")
        {
            config, json,
        };
        command.SetAction(parse => output.Guard(() =>
        {
            var settings = EdgertSettings.Load(parse.GetValue(config)?.FullName);
            var path = Path.GetFullPath(settings.Journal.DatabasePath);
            if (!File.Exists(path))
            {
                throw new IOException($"{path}: no journal yet (EdgeRuntime:Journal:DatabasePath); the service has not run with this configuration.");
            }

            using var journal = new SlideJournal(path);
            var slides = journal.List();
            var counts = journal.Counts();

            // "processing" is only true while a service holds the journal's run lock; otherwise those slides were
            // interrupted (a kill) and are redone at the next start.
            var running = SlideJournal.IsServiceRunning(path);
            var results = Path.GetFullPath(settings.Processing.ResultsDirectory);
            string? ResultsOf(SlideRecord s) => s.State == SlideState.Done && Directory.Exists(Path.Combine(results, s.Id)) ? Path.Combine(results, s.Id) : null;
            string StateOf(SlideRecord s) => s.State == SlideState.Processing && !running ? "interrupted" : s.State.ToString().ToLowerInvariant();
            if (parse.GetValue(json))
            {
                var document = new JsonObject
                {
                    ["journal"] = path,
                    ["serviceRunning"] = running,
                    ["counts"] = new JsonObject(counts.Select(c => KeyValuePair.Create(c.Key.ToString().ToLowerInvariant(), (JsonNode?)c.Value))),
                    ["outbox"] = journal.OutboxLength(),
                    ["pluginsRefusedAtStart"] = new JsonArray(StartingPlugins.LastRefused(settings.Plugins).Select(r => (JsonNode)new JsonObject { ["plugin"] = r.Plugin, ["reason"] = r.Reason }).ToArray()),
                    ["slides"] = new JsonArray(slides.Select(s => (JsonNode)new JsonObject
                    {
                        ["id"] = s.Id,
                        ["file"] = s.Path,
                        ["location"] = s.Location ?? s.Path,
                        ["results"] = ResultsOf(s),
                        ["state"] = StateOf(s),
                        ["reason"] = s.Reason,
                        ["attempts"] = s.Attempts,
                        ["discoveredAt"] = s.DiscoveredAt,
                        ["finishedAt"] = s.FinishedAt,
                    }).ToArray()),
                };
                output.Out.WriteLine(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Success;
            }

            var inv = CultureInfo.InvariantCulture;
            var text = new StringBuilder();
            text.AppendLine(inv, $"Journal:     {path}");
            text.AppendLine(inv, $"Service:     {(running ? "running" : "not running")}");
            var inProgress = running ? $"{counts[SlideState.Processing]} in progress" : $"{counts[SlideState.Processing]} interrupted (processed again at the next start)";
            text.AppendLine(inv, $"Slides:      {counts[SlideState.Pending]} waiting, {inProgress}, {counts[SlideState.Done]} done, {counts[SlideState.Failed]} failed");
            text.AppendLine(inv, $"Outbox:      {journal.OutboxLength()} message(s) waiting for the broker");
            foreach (var refusal in StartingPlugins.LastRefused(settings.Plugins))
            {
                text.AppendLine(inv, $"Plugin:      {refusal.Plugin} left out at the last start: {refusal.Reason}");
            }

            foreach (var s in slides.Where(s => s.State is SlideState.Pending or SlideState.Processing))
            {
                text.AppendLine(inv, $"  {StateOf(s),-11} {s.Id}  {s.Path}");
            }

            foreach (var s in slides.Where(s => s.State == SlideState.Failed))
            {
                text.AppendLine(inv, $"  failed      {s.Id}  {s.Location ?? s.Path}  {s.Reason}");
            }

            foreach (var s in slides.Where(s => s.State == SlideState.Done).Take(10))
            {
                var at = ResultsOf(s) is { } folder ? $"  results {folder}" : string.Empty;
                text.AppendLine(inv, $"  done        {s.Id}  {s.Location ?? s.Path}{at}  {s.FinishedAt:u}{(s.Reason is null ? string.Empty : "  " + s.Reason)}");
            }

            output.Out.Write(text.ToString());
            return ExitCodes.Success;
        }));
        return command;
    }
}
