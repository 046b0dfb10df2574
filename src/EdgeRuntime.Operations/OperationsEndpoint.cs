using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace EdgeRuntime.Operations;

/// <summary>
/// The HTTP endpoint operations read: <c>/metrics</c> (Prometheus text format, from this host's meters through
/// the OpenTelemetry SDK's Prometheus exporter), <c>/health/live</c> (the process answers) and <c>/health/ready</c> (model,
/// journal, sinks). Its own small Kestrel server, so the worker service stays a generic host.
/// </summary>
internal sealed class OperationsEndpoint : IHostedService, IAsyncDisposable
{
    private readonly OperationsOptions options;
    private readonly ILogger logger;
    private readonly WebApplication app;

    // Built here, not at start: the host resolves every hosted service before starting the first, so the exporter
    // listens to the meters before any stage records a measurement.
    public OperationsEndpoint(OperationsOptions options, HostMeters meters, IReadOnlyDictionary<string, IHealthCheck> readiness, ResultFiles results, ILoggerFactory loggers)
    {
        this.options = options;
        logger = loggers.CreateLogger<OperationsEndpoint>();
        app = Build(options, meters, readiness, results);
        _ = app.Services.GetRequiredService<MeterProvider>();
    }

    /// <summary>The address it listens on, once started (the port chosen where 0 was configured).</summary>
    public Uri? BoundAddress { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"{OperationsOptions.Section}: cannot listen on {options.Address}:{options.Port}: {e.Message} (set {OperationsOptions.Section}:Port, or Enabled false).", e);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        BoundAddress = bound is null ? null : new Uri(bound);
        var shown = bound ?? $"{options.Address}:{options.Port}";
        OperationsLog.Listening(logger, shown, options.Tls.Enabled, options.Accounts.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => app.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => app.DisposeAsync();

    private static WebApplication Build(OperationsOptions options, HostMeters meters, IReadOnlyDictionary<string, IHealthCheck> readiness, ResultFiles results)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // The service's own log says what matters (OperationsLog); Kestrel's per-request lines would drown it.
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Every input has a bound (Kestrel's own defaults keep an idle socket 130 s and take any number of them).
            kestrel.Limits.MaxRequestBodySize = 0; // only GETs are served: nothing here takes a body
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = 0;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(options.KeepAliveSeconds);
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(options.RequestHeadersTimeoutSeconds);
            kestrel.Limits.MaxRequestLineSize = options.MaxRequestLineBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = options.MaxRequestHeaderBytes;
            kestrel.Limits.MaxRequestHeaderCount = options.MaxRequestHeaderCount;
            kestrel.Listen(IPAddress.Parse(options.Address), options.Port, listen =>
            {
                // HTTP/1.1 only: one request at a time per connection, so MaxConnections also bounds the requests
                // in flight (HTTP/2 would multiplex 100 streams on each). A scraper or probe needs nothing more.
                listen.Protocols = HttpProtocols.Http1;
                if (options.Tls.Enabled)
                {
                    listen.UseHttps(X509Certificate2.CreateFromPemFile(options.Tls.CertificateFile!, options.Tls.KeyFile));
                }
            });
        });
        builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService("edgeruntime")).WithMetrics(metrics => metrics.AddMeter(meters.Names).AddPrometheusExporter());
        var health = builder.Services.AddHealthChecks();
        foreach (var (name, check) in readiness)
        {
            health.AddCheck(name, check, tags: ["ready"]);
        }

        var app = builder.Build();
        var authentication = new BasicAuthentication(options.Accounts);
        app.Use(async (context, next) =>
        {
            // Metrics and health are open on loopback when no account is configured; results never are: they are
            // patients' data, for an account with the reader role only.
            var account = authentication.Account(context.Request);
            var results = context.Request.Path.StartsWithSegments("/results", StringComparison.Ordinal);
            if (account is null && (results || authentication.Required))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"edgeruntime\", charset=\"UTF-8\"";
                return;
            }

            if (results && account!.Role != OperationsAccountOptions.ReaderRole)
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.MapGet("/results/{slideId}/{**path}", (HttpContext context, string slideId, string? path) => results.ServeAsync(context, slideId, path ?? string.Empty));
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = HealthResponse.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });

        return app;
    }
}
