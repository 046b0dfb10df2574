using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Outbox;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.Runtime.Swapping;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeRuntime.Operations;

/// <summary>
/// What <c>/health/ready</c> asks: a model is loaded and usable, the journal answers, and each sink is connected or
/// its backlog is within <see cref="OperationsOptions.ReadyOutboxBound"/> (a broker away for a minute is not a box
/// that cannot take slides; a backlog that keeps growing is).
/// </summary>
internal static class ReadinessChecks
{
    public static IHealthCheck Model(ModelProvider models) => new Check(() => models.ActiveDescription is { } active
        ? HealthCheckResult.Healthy(active)
        : HealthCheckResult.Unhealthy("the active model has been released"));

    public static IHealthCheck JournalOpen(IJournalStatistics journal) => new Check(() =>
    {
        var pending = journal.Counts().GetValueOrDefault(SlideState.Pending);
        return HealthCheckResult.Healthy($"{pending} slides pending");
    });

    public static IHealthCheck Sinks(IOutbox journal, MqttConnection mqtt, long bound) => new Check(() =>
    {
        var lengths = journal.OutboxLengths();
        var over = lengths.Where(l => l.Value > bound).Select(l => $"{l.Key} has {l.Value} undelivered events (bound {bound})").ToList();
        if (over.Count > 0)
        {
            return HealthCheckResult.Unhealthy(string.Join("; ", over));
        }

        var backlog = string.Join(", ", lengths.Select(l => $"{l.Key}: {l.Value} undelivered"));
        return mqtt.IsReady
            ? HealthCheckResult.Healthy($"MQTT connected; {backlog}")
            : HealthCheckResult.Degraded($"MQTT not connected, backlog within bound; {backlog}");
    });

    // A check that reads state already in memory or one small query; an exception is the answer "not ready", with its message.
    private sealed class Check(Func<HealthCheckResult> probe) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                return Task.FromResult(probe());
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy(e.Message));
            }
        }
    }
}
