using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Lis.Delivery;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Lis.Fhir;

/// <summary>
/// POSTs each result's Bundle (a transaction of conditional creates) to EdgeRuntime:Lis:Fhir:ServerUrl. A 2xx answer
/// delivers it; 408, 429, 5xx or no answer leave it in the outbox for the next try; any other 4xx is a refusal for
/// good: the Bundle is kept with the server's reason (its OperationOutcome) and later results go on. TLS verifies the
/// server against the system's CAs and, where set, Fhir:CaFile; there is no switch to accept a bad certificate.
/// </summary>
public sealed class FhirServerSink : ILisSink, IDisposable
{
    /// <summary>The sink's name in the journal.</summary>
    public const string SinkName = "fhir-http";

    private readonly HttpClient client;
    private readonly FhirBundleBuilder builder;
    private readonly RefusedMessages refused;
    private readonly LisOptions options;
    private readonly ILogger<FhirServerSink> logger;

    /// <summary>A sink for the configured server.</summary>
    public FhirServerSink(FhirBundleBuilder builder, RefusedMessages refused, LisOptions options, ILogger<FhirServerSink> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.builder = builder;
        this.refused = refused;
        this.options = options;
        this.logger = logger;
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(options.Fhir.TimeoutSeconds) };
        if (options.Fhir.CaFile is { } caFile)
        {
            var authority = X509CertificateLoader.LoadCertificateFromFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, authority);
        }

        client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(options.Fhir.TimeoutSeconds) };
        if (options.Fhir.BearerToken is { } token)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (options.Fhir.Username is { } user)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{options.Fhir.Password}")));
        }
    }

    /// <inheritdoc />
    public string Name => SinkName;

    /// <inheritdoc />
    public string Target => options.Fhir.ServerUrl!;

    /// <inheritdoc />
    public async ValueTask<bool> DeliverAsync(JournalEvent journalEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(journalEvent);
        if (ResultEvents.ResultOf(journalEvent) is not { } result)
        {
            return true;
        }

        var bundle = ResultMessage.Build(result, journalEvent.Subject, this, refused, logger, report => FhirBundleBuilder.Serialize(builder.Build(report)));
        if (bundle is null)
        {
            return true;
        }

        HttpResponseMessage response;
        string answer;
        try
        {
            using var content = new StringContent(bundle, Encoding.UTF8, "application/fhir+json");
            using var request = new HttpRequestMessage(HttpMethod.Post, Target) { Content = content };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
            response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LisLog.Unavailable(logger, Name, Target, e.InnerException?.Message ?? e.Message, options.RetrySeconds);
            return false;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                LisLog.Delivered(logger, Name, journalEvent.Subject, Target);
                return true;
            }

            var reason = $"HTTP {status} {response.ReasonPhrase}: {ServerReason(answer)}";
            if (status is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests))
            {
                var path = refused.Keep(journalEvent.Subject, Name, "json", bundle, $"{Target}: {reason}");
                LisLog.Refused(logger, Name, Target, journalEvent.Subject, reason, path);
                return true;
            }

            LisLog.Unavailable(logger, Name, Target, reason, options.RetrySeconds);
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => client.Dispose();

    // The OperationOutcome's diagnostics and details, which say which resource and why; else the body's start.
    private static string ServerReason(string body)
    {
        try
        {
            if (System.Text.Json.Nodes.JsonNode.Parse(body) is System.Text.Json.Nodes.JsonObject { } outcome && outcome["resourceType"]?.GetValue<string>() == "OperationOutcome")
            {
                var issues = (outcome["issue"] as System.Text.Json.Nodes.JsonArray ?? [])
                    .Select(i => string.Join(" ", new[] { i?["severity"], i?["diagnostics"], i?["details"]?["text"], i?["expression"]?[0] }.Where(n => n is not null).Select(n => n!.ToString())));
                return string.Join("; ", issues);
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON: the text itself says what it can.
        }

        return body.Length > 500 ? body[..500] : body;
    }

    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2 authority)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false; // a name mismatch is never accepted
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return chain.Build(presented);
    }
}
