using System.Text.Json;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// What <c>edgert run</c> says when it starts: the model and where it runs, the prompt set, the prototype sets, the
/// tasks; the embedded broker's listeners in plain words; and, on a box without CUDA, why the configured GPU provider
/// is not used, said here once (issue 23 §2).
/// </summary>
public sealed class ServiceStartLogTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task The_start_up_log_names_what_runs_and_the_broker_listeners_in_plain_words()
    {
        var config = temp.File("site.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Inbox = new { Path = temp.File("inbox") },
                Processing = new { ResultsDirectory = temp.File("results") },
                Models = new { DefaultPackage = ReferenceModels.Package(ReferenceModels.Tiny) },
                ZeroShot = new { DefaultPromptSet = Path.Combine(BuiltInPlugins.Root, "prompts", "crc100k", "1.0.0", "prompts.json"), TextEmbeddingCache = temp.File("text-embeddings") },
                Plugins = new { Root = BuiltInPlugins.Root, Tasks = "zero-shot-tagging/1.0.0", WatchRoot = false },
                Mqtt = new { Port = Mosquitto.FreePort(), NodeId = "box1" },
            },
        }));
        Directory.CreateDirectory(temp.File("inbox"));

        using var service = new ServiceProcess(Path.Combine(AppContext.BaseDirectory, "edgert.dll"), config);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        // Until the start is complete (the inbox is watched last): the broker's and the endpoint's lines come after the model's.
        while (service.Running && !service.Output.Contains("Watching ", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        service.Stop(TimeSpan.FromSeconds(30));
        var output = service.Output;
        var provider = ProviderProbe.WhyNot("CUDA") is null ? "CUDA" : "CPU";
        Assert.Contains($"Running model tiny-reference 1.0.0 on {provider}; prompt set crc100k 1.0.0; prototype sets: none; tasks: zero-shot-tagging/1.0.0.", output);
        Assert.Contains("no TLS listener (EdgeRuntime:Broker:Tls)", output);
        Assert.DoesNotContain("TLS on off", output);
        if (provider == "CPU")
        {
            // appsettings.json lists CUDA first: the start is where it helps to say why it is not used, once.
            Assert.Single(output.Split('\n'), l => l.Contains("Execution provider CUDA is configured but cannot run here", StringComparison.Ordinal));
        }
    }
}
