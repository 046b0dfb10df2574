using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// The operations endpoint as operations meet it: a real Prometheus (Debian's) scraping a running service through a
/// slide, Prometheus' own promtool linting the exposition, the probes, the dashboard's queries against real names,
/// and the endpoint's refusals (credentials, beyond loopback without TLS).
/// </summary>
public sealed partial class OperationsEndpointTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Prometheus_scrapes_every_stage_during_a_slide_and_promtool_accepts_the_exposition()
    {
        using var workspace = new ServiceWorkspace(Mosquitto.FreePort(), embedded: true);
        using var service = workspace.Start();
        var endpoint = await EndpointOfAsync(service);
        using var prometheus = new PrometheusServer(endpoint);
        using var http = new HttpClient();

        using var slide = Slides.Small(7);
        workspace.Drop(slide.Path);
        workspace.Drop(TestData.Slide("unreadable.svs"));

        // Prometheus itself (its query API) must have scraped the slides' work: the time series exist in its database.
        await WaitUntilAsync(async () => await prometheus.QueryAsync("edgeruntime_journal_slides{state=\"done\"}") == 1, "Prometheus to scrape a done slide\n" + service.Output);
        await WaitUntilAsync(async () => await prometheus.QueryAsync("sum(edgeruntime_slides_finished_total{outcome=\"failed\"})") == 1, "Prometheus to scrape a failed slide\n" + service.Output);
        Assert.True(await prometheus.QueryAsync("sum(edgeruntime_inference_count_total)") > 0);
        Assert.True(await prometheus.QueryAsync("sum(edgeruntime_slide_stage_duration_seconds_count{stage=\"encode\"})") >= 1);
        Assert.Equal(1, await prometheus.QueryAsync("edgeruntime_model_active{model=\"tiny-reference\",provider=\"CPU\"}"));
        Assert.Equal(0, await prometheus.QueryAsync("edgeruntime_outbox_length{sink=\"mqtt\"}"));

        var exposition = await http.GetStringAsync(new Uri(endpoint, "/metrics"));
        var series = await prometheus.QueryAsync("count({__name__=~\"edgeruntime_.+\"})");
        var names = await prometheus.QueryAsync("count(count by (__name__) ({__name__=~\"edgeruntime_.+\"}))");
        output.WriteLine($"Prometheus scraped {series} edgeruntime series under {names} metric names (histograms count _bucket, _sum and _count apart)");
        Assert.True(names >= 10, $"Prometheus holds only {names} edgeruntime metric names");
        var lint = ExternalTool.Run("promtool", ["check", "metrics"], stdin: exposition);
        Assert.Equal(string.Empty, lint.Trim()); // promtool prints one line per finding (it exits non-zero on any, which fails the run above)

        // Every metric the Grafana dashboard in docs/ asks for exists in a real exposition.
        var dashboard = File.ReadAllText(Path.Combine(TestData.RepoRoot, "docs", "grafana-dashboard.json"));
        var asked = MetricName().Matches(dashboard).Select(m => Regex.Replace(m.Value, "_(bucket|sum|count)$", string.Empty)).Distinct().ToList();
        Assert.NotEmpty(asked);
        output.WriteLine($"the dashboard asks for {asked.Count} metric names, each found in the exposition");
        Assert.All(asked, name => Assert.Contains(name, exposition, StringComparison.Ordinal));

        using var ready = await http.GetAsync(new Uri(endpoint, "/health/ready"));
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("healthy", (string?)body["checks"]!["model"]!["status"]);
        Assert.Equal("healthy", (string?)body["checks"]!["journal"]!["status"]);
        Assert.Equal("healthy", (string?)body["checks"]!["sinks"]!["status"]);
        using var live = await http.GetAsync(new Uri(endpoint, "/health/live"));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Readiness_fails_with_the_reason_when_a_sink_backlog_passes_its_bound()
    {
        // An external broker nobody runs: results wait in the outbox; past the bound the box says it is not ready.
        using var workspace = new ServiceWorkspace(Mosquitto.FreePort(), embedded: false);
        SetOperations(workspace, new JsonObject { ["ReadyOutboxBound"] = 2 });
        using var service = workspace.Start();
        var endpoint = await EndpointOfAsync(service);
        using var http = new HttpClient();
        using var slide = Slides.Small(8);
        workspace.Drop(slide.Path);

        HttpResponseMessage? answer = null;
        await WaitUntilAsync(async () =>
        {
            answer?.Dispose();
            answer = await http.GetAsync(new Uri(endpoint, "/health/ready"));
            return answer.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, "readiness to fail on the backlog\n" + service.Output);
        var body = JsonNode.Parse(await answer!.Content.ReadAsStringAsync())!;
        Assert.Equal("unhealthy", (string?)body["checks"]!["sinks"]!["status"]);
        Assert.Contains("mqtt has", (string?)body["checks"]!["sinks"]!["detail"], StringComparison.Ordinal);
        Assert.Contains("bound 2", (string?)body["checks"]!["sinks"]!["detail"], StringComparison.Ordinal);
        answer.Dispose();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(endpoint, "/health/live"))).StatusCode);
        service.KillHard();
    }

    [Fact]
    public async Task With_TLS_and_an_account_only_that_account_reads_the_endpoint()
    {
        using var certificates = new TestCertificates();
        using var workspace = new ServiceWorkspace(Mosquitto.FreePort(), embedded: true);
        SetOperations(workspace, new JsonObject
        {
            ["Tls"] = new JsonObject { ["CertificateFile"] = certificates.ServerCertificate, ["KeyFile"] = certificates.ServerKey },
            ["Accounts"] = new JsonArray(new JsonObject { ["Username"] = "prometheus", ["Password"] = "correct horse battery" }),
        });
        using var service = workspace.Start();
        var endpoint = await EndpointOfAsync(service);
        Assert.Equal("https", endpoint.Scheme);

        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(certificates.CaFile));
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, chain, _) =>
            {
                chain!.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate!);
            },
        };
        using var http = new HttpClient(handler);
        var metrics = new Uri(endpoint, "/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(metrics)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, metrics, "prometheus", "wrong password here")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, new Uri(endpoint, "/health/ready"), "nobody", "correct horse battery")).StatusCode);
        using var allowed = await SendAsync(http, metrics, "prometheus", "correct horse battery");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("edgeruntime_model_active", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_reader_fetches_every_artefact_the_result_lists_and_nothing_else()
    {
        using var workspace = new ServiceWorkspace(Mosquitto.FreePort(), embedded: true);
        SetOperations(workspace, new JsonObject
        {
            ["PublicUrl"] = "https://scanner-box-1.example:9464",
            ["Accounts"] = new JsonArray(
                new JsonObject { ["Username"] = "lis", ["Password"] = "reader password 1", ["Role"] = "reader" },
                new JsonObject { ["Username"] = "prometheus", ["Password"] = "monitor password", ["Role"] = "monitor" }),
        });
        using var service = workspace.Start();
        var endpoint = await EndpointOfAsync(service);
        using var slide = Slides.Small(9);
        workspace.Drop(slide.Path);
        string? document = null;
        await WaitUntilAsync(() => Task.FromResult((document = Directory.Exists(workspace.Results) ? Directory.GetFiles(workspace.Results, "result.json", SearchOption.AllDirectories).FirstOrDefault() : null) is not null), "a result\n" + service.Output);
        var folder = Path.GetDirectoryName(document!)!;
        var slideId = Path.GetFileName(folder);
        var artefacts = JsonNode.Parse(File.ReadAllText(document!))!["artefacts"]!.AsArray();
        Assert.Contains(artefacts, a => (string?)a!["path"] == "overlay.png");
        Assert.Equal(Directory.GetFiles(folder).Length - 1, artefacts.Count); // every file the run wrote but the document itself

        using var http = new HttpClient();
        foreach (var artefact in artefacts)
        {
            var path = (string)artefact!["path"]!;
            var href = (string)artefact["href"]!;
            Assert.Equal($"https://scanner-box-1.example:9464/results/{slideId}/{path}", href);

            // The listed size and hash against the file on disk, hashed by an independent tool (coreutils' sha256sum).
            var onDisk = Path.Combine(folder, path);
            Assert.Equal(new FileInfo(onDisk).Length, (long)artefact["size"]!);
            Assert.Equal(ExternalTool.Run("sha256sum", [onDisk]).Split(' ')[0], (string)artefact["sha256"]!);

            using var fetched = await SendAsync(http, new Uri(endpoint, new Uri(href).AbsolutePath), "lis", "reader password 1");
            Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
            var bytes = await fetched.Content.ReadAsByteArrayAsync();
            Assert.Equal((string)artefact["sha256"]!, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
            Assert.Equal((string)artefact["mediaType"]!, fetched.Content.Headers.ContentType!.MediaType);
        }

        var overlay = new Uri(endpoint, $"/results/{slideId}/overlay.png");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(overlay)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, overlay, "prometheus", "monitor password")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, new Uri(endpoint, "/metrics"), "prometheus", "monitor password")).StatusCode);

        // Nothing the document does not list: a planted link, a file added later, the journal beside the results.
        File.CreateSymbolicLink(Path.Combine(folder, "shadow.png"), "/etc/shadow");
        File.WriteAllText(Path.Combine(folder, "added-later.txt"), "not written by the run");
        foreach (var refused in new[] { $"/results/{slideId}/shadow.png", $"/results/{slideId}/added-later.txt", $"/results/{slideId}/result.json", "/results/not-a-slide/overlay.png", $"/results/{slideId}/" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, new Uri(endpoint + refused.TrimStart('/')), "lis", "reader password 1")).StatusCode);
        }

        // Encoded dot segments that climb out of the results folder: Kestrel refuses the request line itself.
        var climb = await SendAsync(http, new Uri(endpoint + $"results/{slideId}/%2E%2E/%2E%2E/state/journal.db"), "lis", "reader password 1");
        Assert.Contains(climb.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.NotFound });

        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData("0.0.0.0", "beyond loopback: set EdgeRuntime:Operations:Tls:CertificateFile")]
    [InlineData("0.0.0.0", "beyond loopback: add EdgeRuntime:Operations:Accounts")]
    [InlineData("scanner-box", "EdgeRuntime:Operations:Address: 'scanner-box' is not an IP address")]
    public async Task The_service_refuses_to_start_an_endpoint_it_cannot_secure(string address, string expected)
    {
        using var workspace = new ServiceWorkspace(Mosquitto.FreePort(), embedded: true);
        SetOperations(workspace, new JsonObject { ["Address"] = address });
        using var service = workspace.Start();
        await WaitUntilAsync(() => Task.FromResult(!service.Running), "the service to refuse its configuration\n" + service.Output);
        Assert.Contains(expected, service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Operations endpoint on", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idle_slow_and_oversized_clients_are_cut_off_within_the_configured_bounds_and_the_endpoint_still_answers()
    {
        using var workspace = new ServiceWorkspace(Mosquitto.FreePort(), embedded: true);
        SetOperations(workspace, new JsonObject
        {
            ["MaxConnections"] = 8,
            ["KeepAliveSeconds"] = 10,
            ["RequestHeadersTimeoutSeconds"] = 2,
            ["MaxRequestLineBytes"] = 1024,
            ["MaxRequestHeaderBytes"] = 4096,
            ["MaxRequestHeaderCount"] = 16,
        });
        using var service = workspace.Start();
        var endpoint = await EndpointOfAsync(service);
        var live = $"GET /health/live HTTP/1.1\r\nHost: {endpoint.Authority}\r\n";

        // Eight clients that asked once and keep their connections: the cap is full; a ninth is closed unanswered.
        var held = new List<RawHttpConnection>();
        var over = new List<RawHttpConnection>();
        try
        {
            using (var answers = new CancellationTokenSource(Patience))
            {
                for (var i = 0; i < 8; i++)
                {
                    held.Add(await RawHttpConnection.OpenAsync(endpoint));
                    Assert.True(await held[i].SendAsync(live + "\r\n"));
                    Assert.Equal(200, await held[i].ReadStatusAsync(answers.Token));
                }

                for (var i = 0; i < 4; i++)
                {
                    over.Add(await RawHttpConnection.OpenAsync(endpoint));
                    await over[i].SendAsync(live + "\r\n");
                    Assert.Null(await over[i].ReadStatusAsync(answers.Token));
                }
            }

            // Idle past KeepAliveSeconds, the held ones are closed by the server (Kestrel's default would keep them 130 s).
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                foreach (var connection in held)
                {
                    Assert.True(await connection.ClosedByServerAsync(deadline.Token), "an idle keep-alive connection was still open at the deadline\n" + service.Output);
                }
            }

            // Twenty sockets that never finish a request: sixteen send nothing, four begin their headers and stall.
            // Over the cap they are closed at once, the rest after KeepAliveSeconds or RequestHeadersTimeoutSeconds.
            var idle = new List<RawHttpConnection>();
            for (var i = 0; i < 20; i++)
            {
                idle.Add(await RawHttpConnection.OpenAsync(endpoint));
                if (i % 5 == 4)
                {
                    await idle[i].SendAsync(live);
                }
            }

            held.AddRange(idle);
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                foreach (var connection in idle)
                {
                    Assert.True(await connection.ClosedByServerAsync(deadline.Token), "an idle or stalled socket was still open at the deadline\n" + service.Output);
                }
            }
        }
        finally
        {
            held.Concat(over).ToList().ForEach(c => c.Dispose());
        }

        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(endpoint, "/health/live"))).StatusCode);

        // Over each size limit: one header too long, too many headers, a request line too long.
        Assert.Equal(431, await StatusOfAsync(endpoint, live + $"X-Filler: {new string('a', 5000)}\r\n\r\n"));
        Assert.Equal(431, await StatusOfAsync(endpoint, live + string.Concat(Enumerable.Range(0, 20).Select(i => $"X-Header-{i}: {i}\r\n")) + "\r\n"));
        Assert.Equal(414, await StatusOfAsync(endpoint, $"GET /health/live?{new string('a', 2000)} HTTP/1.1\r\nHost: {endpoint.Authority}\r\n\r\n"));
        Assert.Equal(200, await StatusOfAsync(endpoint, live + $"X-Filler: {new string('a', 3000)}\r\n\r\n"));
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_service_refuses_connection_and_request_limits_out_of_range_naming_each_key()
    {
        using var workspace = new ServiceWorkspace(Mosquitto.FreePort(), embedded: true);
        SetOperations(workspace, new JsonObject
        {
            ["MaxConnections"] = 0,
            ["KeepAliveSeconds"] = 0,
            ["RequestHeadersTimeoutSeconds"] = 601,
            ["MaxRequestLineBytes"] = 10,
            ["MaxRequestHeaderBytes"] = 2_000_000,
            ["MaxRequestHeaderCount"] = -1,
        });
        using var service = workspace.Start();
        await WaitUntilAsync(() => Task.FromResult(!service.Running), "the service to refuse its configuration\n" + service.Output);
        string[] expected =
        [
            "EdgeRuntime:Operations:MaxConnections must be between 1 and 10000 (is 0).",
            "EdgeRuntime:Operations:KeepAliveSeconds must be between 1 and 600 (is 0).",
            "EdgeRuntime:Operations:RequestHeadersTimeoutSeconds must be between 1 and 600 (is 601).",
            "EdgeRuntime:Operations:MaxRequestLineBytes must be between 256 and 65536 (is 10).",
            "EdgeRuntime:Operations:MaxRequestHeaderBytes must be between 1024 and 1048576 (is 2000000).",
            "EdgeRuntime:Operations:MaxRequestHeaderCount must be between 4 and 1000 (is -1).",
        ];
        Assert.All(expected, line => Assert.Contains(line, service.Output, StringComparison.Ordinal));
        Assert.DoesNotContain("Operations endpoint on", service.Output, StringComparison.Ordinal);
    }

    private static async Task<int?> StatusOfAsync(Uri endpoint, string request)
    {
        using var connection = await RawHttpConnection.OpenAsync(endpoint);
        using var answer = new CancellationTokenSource(Patience);
        Assert.True(await connection.SendAsync(request));
        return await connection.ReadStatusAsync(answer.Token);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, Uri uri, string user, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return http.SendAsync(request);
    }

    private static void SetOperations(ServiceWorkspace workspace, JsonObject operations)
    {
        var config = JsonNode.Parse(File.ReadAllText(workspace.ConfigPath))!;
        config["EdgeRuntime"]!["Operations"] = operations;
        File.WriteAllText(workspace.ConfigPath, config.ToJsonString());
    }

    private static async Task<Uri> EndpointOfAsync(ServiceProcess service)
    {
        Uri? found = null;
        await WaitUntilAsync(() =>
        {
            var match = EndpointLine().Match(service.Output);
            found = match.Success ? new Uri(match.Groups[1].Value) : null;
            return Task.FromResult(found is not null);
        }, "the operations endpoint's log line\n" + service.Output);
        return found!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}");
            await Task.Delay(250);
        }
    }

    [GeneratedRegex(@"Operations endpoint on (https?://[0-9.]+:[0-9]+)")]
    private static partial Regex EndpointLine();

    [GeneratedRegex(@"edgeruntime_[a-z0-9_]+")]
    private static partial Regex MetricName();

    /// <summary>Debian's Prometheus on loopback, scraping one target every second, with its database in a temporary folder.</summary>
    private sealed class PrometheusServer : IDisposable
    {
        private readonly TempDirectory directory = new();
        private readonly System.Diagnostics.Process process;
        private readonly HttpClient http = new();
        private readonly Uri api;

        public PrometheusServer(Uri target)
        {
            var port = Mosquitto.FreePort();
            api = new Uri($"http://127.0.0.1:{port}/");
            var config = directory.File("prometheus.yml");
            File.WriteAllText(config, $"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: edgeruntime
                    static_configs:
                      - targets: ["{target.Authority}"]
                """);
            var info = new System.Diagnostics.ProcessStartInfo("prometheus") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { $"--config.file={config}", $"--storage.tsdb.path={directory.File("data")}", $"--web.listen-address=127.0.0.1:{port}" })
            {
                info.ArgumentList.Add(argument);
            }

            process = System.Diagnostics.Process.Start(info)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        /// <summary>The instant query's single value, or NaN where it has none (yet), through Prometheus' HTTP API.</summary>
        public async Task<double> QueryAsync(string query)
        {
            try
            {
                var json = await http.GetStringAsync(new Uri(api, "api/v1/query?query=" + Uri.EscapeDataString(query)));
                var result = JsonDocument.Parse(json).RootElement.GetProperty("data").GetProperty("result");
                return result.GetArrayLength() == 0 ? double.NaN : double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
            }
            catch (HttpRequestException)
            {
                return double.NaN; // not up yet
            }
        }

        public void Dispose()
        {
            http.Dispose();
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
            directory.Dispose();
        }
    }
}
