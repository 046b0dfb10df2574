using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using EdgeRuntime.TestSupport;
using MQTTnet;
using MQTTnet.Formatter;
using Xunit;
using Xunit.Abstractions;
using static EdgeRuntime.Service.Tests.SlideMessages;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// An LIS with a persistent session (clean start off, a session expiry) against a real <c>edgert run</c> killed with
/// SIGKILL mid-processing and restarted, on the embedded broker and on Mosquitto: it gets every slide's result at
/// least once, including those published while it was away after a restart, and the retained slide states are there
/// after the restarts.
/// </summary>
public sealed class ResultsAcrossKillsTests(ITestOutputHelper output)
{
    // CI runs the field test: 38 slides, 2 kills (about 1.5 min a broker). More kills by environment
    // (EDGERUNTIME_TEST_KILLS=37: every slide done across 38 starts); each kill waits for one more result first.
    private static readonly int SlideCount = FromEnvironment("EDGERUNTIME_TEST_KILL_SLIDES", 38, 2);
    private static readonly int Kills = Math.Min(FromEnvironment("EDGERUNTIME_TEST_KILLS", 2, 1), SlideCount - 1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(300);

    private static int FromEnvironment(string name, int fallback, int least) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? Math.Max(value, least) : fallback;

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task A_persistent_subscriber_gets_every_result_across_kills_of_the_service(string brokerKind)
    {
        var embedded = brokerKind == "embedded";
        using var mosquitto = embedded ? null : new Mosquitto(
            new Dictionary<string, string> { ["edgeruntime-service"] = "svc-secret", ["lis"] = "lis-secret" },
            Path.Combine(TestData.RepoRoot, "install", "mosquitto", "edgeruntime.acl"));
        var port = mosquitto?.Port ?? Mosquitto.FreePort();
        using var workspace = new ServiceWorkspace(port, embedded, username: "edgeruntime-service", password: "svc-secret", readOnlyAccounts: embedded ? new() { ["lis"] = "lis-secret" } : null);
        var slides = Enumerable.Range(0, SlideCount).Select(Slides.Many).ToList(); // Many: distinct up to 300
        await using var lis = new PersistentSubscriber(port, "lis", "lis-secret", "lis-results", "edgeruntime/box1/slides/+/result");
        try
        {
            var service = workspace.Start();
            await using var probe = await MqttProbe.StartAsync(port, "lis", "lis-secret");
            await PersistentSubscriber.WaitAsync(() => lis.Subscribed, Patience, "the LIS subscribed\n" + service.Output);
            foreach (var slide in slides)
            {
                workspace.Drop(slide.Path);
            }

            // Kill 1: mid-processing, once the LIS has a first result.
            await PersistentSubscriber.WaitAsync(() => !lis.Results.IsEmpty, Patience, "a first result\n" + service.Output);
            service.KillHard();
            service.Dispose();

            // The LIS is away while the service comes back and finishes some slides, and is killed again (and again).
            await lis.PauseAsync();
            var kills = 1;
            for (var kill = 2; kill <= Kills; kill++)
            {
                var before = probe.On("/result").Select(r => Id(r.Payload)).Distinct().Count();
                if (before == SlideCount)
                {
                    break; // all done before this many kills: the runs between kills finished more than one slide each
                }

                kills++;
                service = workspace.Start();
                await probe.WaitForAsync(p => p.On("/result").Select(r => Id(r.Payload)).Distinct().Count() > before, Patience, $"a result after restart {kill - 1}\n" + service.Output);
                service.KillHard();
                service.Dispose();
            }

            // Back once more, it finishes everything while the LIS is still away; only then does the LIS come back.
            using var last = workspace.Start();
            await probe.WaitForAsync(p => p.On("/result").Select(r => Id(r.Payload)).Distinct().Count() == SlideCount, Patience, "every result after the kills\n" + last.Output);
            var awayAtTheEnd = SlideCount - lis.Results.Select(Id).Distinct().Count();
            lis.Resume();
            await PersistentSubscriber.WaitAsync(() => lis.Results.Select(Id).Distinct().Count() == SlideCount, TimeSpan.FromSeconds(60),
                $"every result at the LIS: it has {lis.Results.Select(Id).Distinct().Count()} of {SlideCount}\n" + last.Output);

            // Retained state survives the restarts: a new subscriber gets every slide's state, those of slides done
            // before the last kill included (this node activates nothing, so it has no plugins/active to keep; the
            // broker tests keep one across a restart).
            await using var late = await MqttProbe.StartAsync(port, "lis", "lis-secret");
            await late.WaitForAsync(p => p.On("/state").Select(s => Id(s.Payload)).Distinct().Count() == SlideCount, TimeSpan.FromSeconds(30), "the retained states");
            Assert.All(late.On("/state"), s => Assert.Equal("done", s.Payload.GetProperty("state").GetString()));

            // The journal agrees: all done once each, nothing waiting.
            Assert.Equal(0, last.Stop(TimeSpan.FromSeconds(60)));
            using var status = JsonDocument.Parse(Status(workspace.ConfigPath));
            Assert.Equal(SlideCount, status.RootElement.GetProperty("counts").GetProperty("done").GetInt32());
            Assert.Equal(0, status.RootElement.GetProperty("outbox").GetInt64());
            var attempts = status.RootElement.GetProperty("slides").EnumerateArray().Sum(s => s.GetProperty("attempts").GetInt32());

            var delivered = lis.Results.Select(Id).Distinct().Count();
            output.WriteLine($"{brokerKind}: {delivered}/{SlideCount} results at the persistent LIS across {kills} kills (SIGKILL) and {kills + 1} starts; {awayAtTheEnd} published while it was away; {lis.Results.Count - delivered} delivered more than once; attempts {attempts}; retained states {late.On("/state").Select(s => Id(s.Payload)).Distinct().Count()}/{SlideCount}");
            Assert.Equal(SlideCount, delivered);
        }
        finally
        {
            foreach (var slide in slides)
            {
                slide.Dispose();
            }
        }
    }

    private static string Status(string config)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = EdgeRuntime.Cli.EdgertApp.Run(["status", "--json", "--config", config], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        return stdout.ToString();
    }

    /// <summary>
    /// An LIS as issue 22 describes it: MQTT 5, a fixed client id, clean start off, a session expiry of an hour,
    /// a QoS 1 subscription, and reconnecting by itself (unless paused by the test).
    /// </summary>
    private sealed class PersistentSubscriber : IAsyncDisposable
    {
        private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
        private readonly MqttClientOptions options;
        private readonly string filter;
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;
        private volatile bool paused;

        public PersistentSubscriber(int port, string user, string password, string clientId, string filter)
        {
            this.filter = filter;
            options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId(clientId).WithCleanStart(false).WithSessionExpiryInterval(3600).WithCredentials(user, password)
                .WithTimeout(TimeSpan.FromSeconds(5)).Build();
            client.ApplicationMessageReceivedAsync += e =>
            {
                Results.Enqueue(JsonDocument.Parse(Encoding.UTF8.GetString(e.ApplicationMessage.Payload)).RootElement.Clone());
                return Task.CompletedTask;
            };
            loop = Task.Run(KeepConnectedAsync);
        }

        public ConcurrentQueue<JsonElement> Results { get; } = new();

        public bool Subscribed { get; private set; }

        public async Task PauseAsync()
        {
            paused = true;
            if (client.IsConnected)
            {
                await client.DisconnectAsync();
            }
        }

        public void Resume() => paused = false;

        public static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!condition())
            {
                Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
                await Task.Delay(100);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop;
            if (client.IsConnected)
            {
                await client.DisconnectAsync();
            }

            client.Dispose();
            stop.Dispose();
        }

        private async Task KeepConnectedAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                if (!paused && !client.IsConnected)
                {
                    try
                    {
                        var result = await client.ConnectAsync(options, stop.Token);
                        if (!result.IsSessionPresent)
                        {
                            // A new session (the first connection, or one the broker lost): subscribe.
                            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(filter).WithAtLeastOnceQoS()).Build(), stop.Token);
                        }

                        Subscribed = true;
                    }
                    catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
                    {
                        // The broker is down (the service was killed): try again shortly.
                    }
                }

                try
                {
                    await Task.Delay(250, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
