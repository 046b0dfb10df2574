using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeRuntime.TestSupport;

/// <summary>
/// A subscriber such as a LIS would run: MQTT 5, a persistent session (clean start off, long session expiry),
/// subscribed to everything, reconnecting on its own. Records every message it receives.
/// </summary>
public sealed class MqttProbe : IAsyncDisposable
{
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttClientOptions options;
    private readonly CancellationTokenSource stop = new();
    private readonly Task reconnecting;
    private bool subscribed;

    private MqttProbe(int port, string? username, string? password)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId("probe-" + Guid.NewGuid().ToString("N")[..8])
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600);
        if (username is not null)
        {
            builder.WithCredentials(username, password);
        }

        options = builder.Build();
        client.ApplicationMessageReceivedAsync += e =>
        {
            Messages.Enqueue((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
        reconnecting = Task.Run(KeepConnectedAsync);
    }

    /// <summary>Every message received: topic, UTF-8 payload, retain flag.</summary>
    public ConcurrentQueue<(string Topic, string Payload, bool Retain)> Messages { get; } = new();

    /// <summary>Connects and subscribes to <c>#</c>; waits until subscribed.</summary>
    public static async Task<MqttProbe> StartAsync(int port, string? username = null, string? password = null)
    {
        var probe = new MqttProbe(port, username, password);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!probe.client.IsConnected)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The probe could not connect to 127.0.0.1:{port}.");
            }

            await Task.Delay(100);
        }

        return probe;
    }

    /// <summary>Whether the probe is connected and subscribed (its session was present, or it subscribed again).</summary>
    public bool IsSubscribed => client.IsConnected && Volatile.Read(ref subscribed);

    /// <summary>Waits until the probe is connected and subscribed again, after its broker came back.</summary>
    public Task WaitSubscribedAsync(TimeSpan timeout) =>
        WaitForAsync(p => p.IsSubscribed, timeout, "the probe subscribed again");

    /// <summary>Payloads received on topics ending with <paramref name="suffix"/>.</summary>
    public IReadOnlyList<(string Topic, JsonElement Payload)> On(string suffix) =>
        Messages.Where(m => m.Topic.EndsWith(suffix, StringComparison.Ordinal)).Select(m => (m.Topic, JsonDocument.Parse(m.Payload).RootElement)).ToList();

    /// <summary>Waits until <paramref name="condition"/> holds, or fails with <paramref name="what"/>.</summary>
    public async Task WaitForAsync(Func<MqttProbe, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}. Received: {string.Join(" | ", Messages.Select(m => m.Topic))}");
            }

            await Task.Delay(100);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await reconnecting;
        }
        catch (OperationCanceledException)
        {
        }

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
            try
            {
                if (!client.IsConnected)
                {
                    Volatile.Write(ref subscribed, false);
                    var result = await client.ConnectAsync(options, stop.Token);
                    Volatile.Write(ref subscribed, result.IsSessionPresent);
                }

                if (client.IsConnected && !Volatile.Read(ref subscribed))
                {
                    // A broker without our session (new, or its persistence lost) needs the subscription again; one
                    // that failed (a timeout under load) is tried again on the next turn, not forgotten.
                    await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("#", MqttQualityOfServiceLevel.AtLeastOnce).Build(), stop.Token);
                    Volatile.Write(ref subscribed, true);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The broker is down: try again shortly, as a LIS client would.
            }

            await Task.Delay(200, stop.Token);
        }
    }
}
