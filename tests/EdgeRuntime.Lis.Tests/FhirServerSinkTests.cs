using System.Net;
using System.Text;
using System.Text.Json;
using EdgeRuntime.Lis.Delivery;
using EdgeRuntime.Lis.Fhir;
using EdgeRuntime.TestSupport;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRuntime.Lis.Tests;

/// <summary>
/// The FHIR server transport against a loopback HTTP server written in the test that records each POST: no FHIR
/// server can be installed from Debian's or NuGet's registries here (HAPI FHIR and Firely Server are not packaged).
/// </summary>
public sealed class FhirServerSinkTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async System.Threading.Tasks.Task A_bundle_is_posted_with_credentials_a_refusal_is_kept_with_the_servers_reason_and_an_outage_waits()
    {
        var port = Mosquitto.FreePort();
        using var server = new HttpListener();
        server.Prefixes.Add($"http://127.0.0.1:{port}/fhir/");
        server.Start();
        var options = ResultFixture.Options(temp.File("refused"));
        options.Fhir.ServerUrl = $"http://127.0.0.1:{port}/fhir/";
        options.Fhir.Username = "edge";
        options.Fhir.Password = "s3cret";
        using var sink = new FhirServerSink(new FhirBundleBuilder(options), new RefusedMessages(options), options, NullLogger<FhirServerSink>.Instance);
        var answers = new Queue<(int Status, string Body)>(
        [
            (200, """{"resourceType":"Bundle","type":"transaction-response"}"""),
            (422, """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing","diagnostics":"Specimen.accessionIdentifier: unknown accession S24-01234"}]}"""),
            (503, "down for maintenance"),
        ]);
        var requests = new List<(string Method, string? Authorization, string? ContentType, string Body)>();
        var serving = System.Threading.Tasks.Task.Run(async () =>
        {
            while (answers.Count > 0)
            {
                var context = await server.GetContextAsync();
                using var reader = new StreamReader(context.Request.InputStream);
                requests.Add((context.Request.HttpMethod, context.Request.Headers["Authorization"], context.Request.ContentType, await reader.ReadToEndAsync()));
                var (status, body) = answers.Dequeue();
                context.Response.StatusCode = status;
                var bytes = Encoding.UTF8.GetBytes(body);
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });

        Assert.True(await sink.DeliverAsync(ResultFixture.Done(), CancellationToken.None));
        Assert.True(await sink.DeliverAsync(ResultFixture.Done(), CancellationToken.None));
        Assert.False(await sink.DeliverAsync(ResultFixture.Done(), CancellationToken.None));
        await serving;

        var (method, authorization, contentType, posted) = requests[0];
        Assert.Equal("POST", method);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("edge:s3cret")), authorization);
        Assert.StartsWith("application/fhir+json", contentType, StringComparison.Ordinal);
        var bundle = JsonSerializer.Deserialize<Bundle>(posted, new JsonSerializerOptions().ForFhir())!;
        Assert.Equal(Bundle.BundleType.Transaction, bundle.Type);
        Assert.Equal(33, bundle.Entry.Count);

        var slideId = ResultFixture.Result()["slideId"]!.GetValue<string>();
        var kept = Path.Combine(options.RefusedFolder, $"{slideId}.fhir-http.json");
        Assert.Equal(requests[1].Body, File.ReadAllText(kept));
        Assert.Contains("HTTP 422", File.ReadAllText(kept + ".reason.txt"), StringComparison.Ordinal);
        Assert.Contains("error Specimen.accessionIdentifier: unknown accession S24-01234", File.ReadAllText(kept + ".reason.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_beyond_loopback_and_half_credentials_are_refused_at_start_with_their_paths()
    {
        var options = new LisOptions();
        options.Fhir.ServerUrl = "http://fhir.example.org/r4";
        options.Fhir.Username = "edge";
        var errors = options.Validate().ToList();
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Lis:Fhir:ServerUrl is plain http to another machine", StringComparison.Ordinal));
        Assert.Contains("EdgeRuntime:Lis:Fhir:Password must be set with EdgeRuntime:Lis:Fhir:Username.", errors);
        Assert.Throws<ArgumentException>(() => new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddLis(options));
    }
}
