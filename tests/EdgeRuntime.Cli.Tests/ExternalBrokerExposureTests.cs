using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// An external broker beyond loopback is refused at start, exit 2 with the keys named, unless the service speaks TLS
/// to it and has an account (or a client certificate): before, <c>edgert run</c> sent results and its password in
/// clear text to any host it was given, while the embedded broker and the operations endpoint already refused the same.
/// Nothing connects: start-up checks the configuration before any broker is dialled.
/// </summary>
public sealed class ExternalBrokerExposureTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("192.0.2.10")]
    [InlineData("broker.hospital.example")]
    [InlineData("localhost.hospital.example")]
    [InlineData("0.0.0.0")]
    public void A_plain_anonymous_broker_beyond_loopback_is_refused_naming_tls_and_the_account(string host)
    {
        var (code, _, error) = Run("""{"EdgeRuntime":{"Mqtt":{"Host":""" + "\"" + host + "\"}}}");
        Assert.Equal(2, code);
        Assert.Contains($"EdgeRuntime:Mqtt:Host is {host}, beyond loopback: set EdgeRuntime:Mqtt:UseTls to true", error);
        Assert.Contains($"EdgeRuntime:Mqtt:Host is {host}, beyond loopback: set EdgeRuntime:Mqtt:Username and Password", error);
        DotnetNames.AssertNone(error);
    }

    [Fact]
    public void Credentials_without_tls_are_still_refused_for_they_would_travel_in_clear()
    {
        var (code, _, error) = Run("""{"EdgeRuntime":{"Mqtt":{"Host":"192.0.2.10","Username":"svc","Password":"a-long-password"}}}""");
        Assert.Equal(2, code);
        Assert.Contains("EdgeRuntime:Mqtt:Host is 192.0.2.10, beyond loopback: set EdgeRuntime:Mqtt:UseTls to true", error);
        Assert.DoesNotContain("Username and Password", error);
    }

    [Fact]
    public void Tls_without_an_account_is_refused()
    {
        var (code, _, error) = Run("""{"EdgeRuntime":{"Mqtt":{"Host":"192.0.2.10","UseTls":true}}}""");
        Assert.Equal(2, code);
        Assert.Contains("set EdgeRuntime:Mqtt:Username and Password (or a client certificate, EdgeRuntime:Mqtt:Tls:CertificateFile)", error);
        Assert.DoesNotContain("UseTls to true", error);
    }

    [Theory]
    [InlineData("""{"EdgeRuntime":{"Mqtt":{"Host":"192.0.2.10","UseTls":true,"Username":"svc","Password":"a-long-password"}}}""")]
    [InlineData("""{"EdgeRuntime":{"Mqtt":{"Host":"127.0.0.1"}}}""")]
    [InlineData("""{"EdgeRuntime":{"Mqtt":{"Host":"localhost"}}}""")]
    [InlineData("""{"EdgeRuntime":{"Mqtt":{"Host":"::1"}}}""")]
    public void Tls_with_an_account_or_a_broker_on_the_box_is_accepted(string json)
    {
        var (code, _, error) = Run(json);
        Assert.True(code == 0, error);
    }

    // slide info composes the whole service's configuration as run does, without starting it.
    private (int ExitCode, string Out, string Error) Run(string json)
    {
        var config = temp.File("site.json");
        File.WriteAllText(config, json);
        return Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config);
    }
}
