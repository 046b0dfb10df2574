using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Cli.Hosting;
using EdgeRuntime.Plugins.Requests;
using EdgeRuntime.Runtime.Requests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cli.Commands;

/// <summary>
/// <c>edgert tasks list | request</c>: the active task plugins with the requests they answer, and asking one, on the
/// box. The plugins are loaded in this process, as the service loads them: an answer comes from what the plugin keeps
/// in its state folder (an index on disk); what a running service holds only in memory is asked over MQTT.
/// </summary>
internal static class TaskCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(CliOutput output)
    {
        var tasks = new Command("tasks", "The active task plugins and the requests they answer (the same requests as over MQTT 5).");
        tasks.Subcommands.Add(List(output));
        tasks.Subcommands.Add(Ask(output));
        return tasks;
    }

    private static Command List(CliOutput output)
    {
        var config = new Option<FileInfo?>("--config") { Description = "Extra JSON configuration file." };
        var command = new Command("list", "List the active tasks, their plugin versions, and the requests each answers with the role it needs.") { config };
        command.SetAction(parse => output.Guard(() =>
        {
            var settings = EdgertSettings.Load(parse.GetValue(config)?.FullName);
            using var logging = ModelLoading.Logging(output.Error);
            using var services = Composition.ForCommand(logging, settings, (s, sections) => s.AddTasks(sections));
            var set = Composition.LoadActiveTasks(services, logging.CreateLogger("edgert"));
            foreach (var task in set.Tasks)
            {
                output.Out.WriteLine($"{task.Task.Name,-24} tasks/{task.Plugin}/{task.Version}");
            }

            foreach (var request in set.Requests)
            {
                output.Out.WriteLine($"  {request.Name,-40} {RequestDispatcher.Name(request.MinimumRole)}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Ask(CliOutput output)
    {
        var task = new Argument<string>("task") { Description = "The task's name (as in the result document)." };
        var name = new Argument<string>("request") { Description = "The request's name (edgert tasks list shows them)." };
        var body = new Option<string?>("--body") { Description = "The request's JSON body, such as '{\"top\": 5}'." };
        var role = new Option<string>("--role") { Description = "The role to ask as: admin (the box's operator, the default), service or read-only (to see what an LIS would get).", DefaultValueFactory = _ => "admin" };
        role.AcceptOnlyFromAmong("admin", "service", "read-only");
        var config = new Option<FileInfo?>("--config") { Description = "Extra JSON configuration file." };
        var command = new Command("request", "Ask an active task plugin a named request and print its JSON answer (exit 1 when refused, with the reason).")
        {
            task, name, body, role, config,
        };
        command.SetAction((parse, cancellationToken) => output.GuardAsync(async () =>
        {
            var settings = EdgertSettings.Load(parse.GetValue(config)?.FullName);
            JsonObject payload;
            try
            {
                // The same reader, with the same bounds, as a body that comes over MQTT.
                payload = RequestBody.Read(parse.GetValue(body) ?? string.Empty, settings.Mqtt.MaxRequestBytes);
            }
            catch (RequestRefusedException e)
            {
                throw new SettingsException([$"--body: {e.Message}"]);
            }

            var caller = parse.GetValue(role) switch
            {
                "service" => CallerRole.Service,
                "read-only" => CallerRole.ReadOnly,
                _ => CallerRole.Admin,
            };
            using var logging = ModelLoading.Logging(output.Error);
            await using var services = Composition.ForCommand(logging, settings, (s, sections) => s.AddTasks(sections));
            Composition.LoadActiveTasks(services, logging.CreateLogger("edgert"));
            var dispatcher = services.GetRequiredService<RequestDispatcher>();
            var request = new Request(RegisteredRequest.TaskRequestName(parse.GetValue(task)!, parse.GetValue(name)!), payload, caller, "cli", "cli");
            var answer = await dispatcher.DispatchAsync(request, cancellationToken);
            output.Out.WriteLine(answer.ToJsonString(Indented));
            if (answer["ok"]?.GetValue<bool>() == true)
            {
                return ExitCodes.Success;
            }

            output.Error.WriteLine($"edgert: {answer["reason"]}");
            return ExitCodes.InputError;
        }));
        return command;
    }
}
