using EdgeRuntime.Lis.Delivery;
using EdgeRuntime.Lis.Hl7v2;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRuntime.Lis.Tests;

/// <summary>
/// MLLP over TLS (EdgeRuntime:Lis:Hl7:UseTls) against a TLS MLLP listener on 127.0.0.1 with a certificate of a test CA
/// (Debian's openssl): delivered when the configured CA signed the receiver's certificate for its name; kept in the
/// outbox, never sent in clear, when another CA signed it or it names another host.
/// </summary>
public sealed class MllpTlsTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly TestCertificates pki = new();

    public void Dispose()
    {
        pki.Dispose();
        temp.Dispose();
    }

    [Fact]
    public async Task An_ORU_reaches_a_TLS_listener_whose_certificate_the_configured_CA_signed()
    {
        using var listener = new MllpListener("AA", pki.ServerCertificate, pki.ServerKey);
        var delivered = await Sink(Options(listener.Port, pki.CaFile)).DeliverAsync(ResultFixture.Done(sequence: 3), CancellationToken.None);
        Assert.True(delivered);
        Assert.StartsWith("MSH|", Assert.Single(listener.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_of_another_CA_is_refused_and_the_result_waits()
    {
        using var listener = new MllpListener("AA", pki.ServerCertificate, pki.ServerKey);
        var delivered = await Sink(Options(listener.Port, pki.RogueCaFile)).DeliverAsync(ResultFixture.Done(sequence: 4), CancellationToken.None);
        Assert.False(delivered);
        Assert.Empty(listener.Messages);

        // The listener counts the refused handshake on its own task, which may run after the client has given up.
        for (var i = 0; i < 200 && listener.Handshakes == 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, listener.Handshakes);
    }

    [Fact]
    public async Task A_certificate_for_another_name_is_refused_and_the_result_waits()
    {
        using var listener = new MllpListener("AA", pki.ElsewhereCertificate, pki.ElsewhereKey);
        var delivered = await Sink(Options(listener.Port, pki.CaFile)).DeliverAsync(ResultFixture.Done(sequence: 5), CancellationToken.None);
        Assert.False(delivered);
        Assert.Empty(listener.Messages);
    }

    [Fact]
    public void A_CA_file_without_TLS_is_refused_naming_the_keys()
    {
        var options = Options(2575, pki.CaFile);
        options.Hl7.UseTls = false;
        var errors = options.Validate().ToList();
        Assert.Contains(errors, e => e.Contains("EdgeRuntime:Lis:Hl7:CaFile and ServerName are for TLS: set EdgeRuntime:Lis:Hl7:UseTls to true", StringComparison.Ordinal));
    }

    private LisOptions Options(int port, string caFile)
    {
        var options = ResultFixture.Options(temp.File("refused"));
        options.Hl7.Host = "127.0.0.1";
        options.Hl7.Port = port;
        options.Hl7.TimeoutSeconds = 10;
        options.Hl7.UseTls = true;
        options.Hl7.CaFile = caFile;
        return options;
    }

    private static MllpSink Sink(LisOptions options) =>
        new(new OruMessageBuilder(options), new RefusedMessages(options), options, NullLogger<MllpSink>.Instance);
}
