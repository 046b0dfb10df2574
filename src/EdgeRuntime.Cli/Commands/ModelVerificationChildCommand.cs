using System.CommandLine;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Plugins.Models;

namespace EdgeRuntime.Cli.Commands;

/// <summary>
/// The hidden command that edgert starts as a child to verify a model package (<see cref="ModelPackageIsolation"/>):
/// not for people, so not in the help. It reads no configuration: the parent says how sessions are made.
/// </summary>
internal static class ModelVerificationChildCommand
{
    public static Command Create(CliOutput output)
    {
        var directory = new Argument<string>("package");
        var providers = new Option<string>("--providers") { DefaultValueFactory = _ => "CPU" };
        var deviceId = new Option<int>("--device-id");
        var intraOp = new Option<int>("--intra-op-threads");
        var interOp = new Option<int>("--inter-op-threads") { DefaultValueFactory = _ => 1 };
        var encoder = new Option<string?>(ModelPackageIsolation.EncoderOption); // a cell head's model package
        var command = new Command(ModelPackageIsolation.ChildCommand, "Internal: open one model package (or a cell head with its model), run it once, and print the verdict as JSON.")
        {
            directory, providers, deviceId, intraOp, interOp, encoder,
        };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var inference = new InferenceOptions
            {
                ExecutionProviders = parse.GetValue(providers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
                DeviceId = parse.GetValue(deviceId),
                IntraOpThreads = parse.GetValue(intraOp),
                InterOpThreads = parse.GetValue(interOp),
            };
            return ModelPackageProbe.Run(parse.GetValue(directory)!, parse.GetValue(encoder), inference, output.Out);
        });
        return command;
    }
}
