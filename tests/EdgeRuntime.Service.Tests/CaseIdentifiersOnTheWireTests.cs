using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// Issue 27 §1 end to end: a running service reads the slide's case from its file name and a sidecar beside it, and
/// the result on MQTT and the FHIR Bundle on its own topic both carry it, each identifier with its source.
/// </summary>
public sealed class CaseIdentifiersOnTheWireTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task Identifiers_from_the_file_name_and_a_sidecar_reach_the_result_and_the_fhir_bundle_on_mqtt()
    {
        var port = Mosquitto.FreePort();
        using var workspace = new ServiceWorkspace(port, embedded: true, edit: e => e["Cases"] = new JsonObject
        {
            // All four: the shipped appsettings.json lists four and configuration merges a shorter list into it by
            // index (["sidecar", "file-name"] became sidecar, file-name, properties, file-name: refused at start).
            ["Sources"] = new JsonArray("sidecar", "file-name", "properties", "label-barcode"),
            ["FileNamePattern"] = @"^(?<accession>S\d{2}-\d+)_(?<specimen>[A-Z])(?<block>\d+)_(?<slide>\d+)\.",
        });
        using var service = workspace.Start();
        await using var probe = await ProbeAsync(port, service);
        using var slide = Slides.Small(27);
        File.WriteAllText(Path.Combine(workspace.Inbox, "S24-01234_A1_2.tiff.case.json"), """{ "stain": "H&E" }""");
        workspace.Drop(slide.Path, "S24-01234_A1_2.tiff");

        await probe.WaitForAsync(p => p.On("/result").Count >= 1 && p.On("/fhir").Count >= 1, Patience, "a result and its FHIR bundle\n" + service.Output);
        var identifiers = probe.On("/result").Single().Payload.GetProperty("case").GetProperty("identifiers").EnumerateArray()
            .Select(i => (i.GetProperty("name").GetString(), i.GetProperty("value").GetString(), i.GetProperty("source").GetString()))
            .OrderBy(i => i.Item1, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(
            [("accession", "S24-01234", "file-name"), ("block", "1", "file-name"), ("slide", "2", "file-name"), ("specimen", "A", "file-name"), ("stain", "H&E", "sidecar")],
            identifiers);

        // The Bundle a FHIR subscriber gets: the Specimen filed under the accession, the stain from the sidecar.
        var specimen = probe.On("/fhir").Single().Payload.GetProperty("entry").EnumerateArray()
            .Select(e => e.GetProperty("resource"))
            .Single(r => r.GetProperty("resourceType").GetString() == "Specimen");
        Assert.Equal("S24-01234", specimen.GetProperty("accessionIdentifier").GetProperty("value").GetString());
        Assert.Equal("stain: H&E", specimen.GetProperty("processing")[0].GetProperty("description").GetString());
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    // The service's own words when its broker does not come up, rather than the probe's timeout alone.
    private static async Task<MqttProbe> ProbeAsync(int port, ServiceProcess service)
    {
        try
        {
            return await MqttProbe.StartAsync(port, null, null);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\n" + service.Output, e);
        }
    }
}
