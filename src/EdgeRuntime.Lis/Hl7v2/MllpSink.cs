using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Lis.Delivery;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Lis.Hl7v2;

/// <summary>
/// Each result as an ORU^R01 over MLLP to EdgeRuntime:Lis:Hl7:Host, one connection per message, delivered once the
/// receiver acknowledges it (MSA-1 AA or CA). An AE or AR acknowledgement is a refusal for good: the message is kept
/// with the receiver's reason (<see cref="RefusedMessages"/>) and later results go on. No connection, no answer in
/// time, or anything else: the message waits in the outbox and is sent again (MSH-10 is the same, so the receiver can
/// drop a repeat).
/// </summary>
public sealed class MllpSink(OruMessageBuilder builder, RefusedMessages refused, LisOptions options, ILogger<MllpSink> logger) : ILisSink
{
    /// <summary>The sink's name in the journal.</summary>
    public const string SinkName = "hl7-mllp";

    private const byte StartBlock = 0x0B;
    private const byte EndBlock = 0x1C;
    private const byte CarriageReturn = 0x0D;
    private const int MaxAcknowledgementBytes = 64 * 1024;

    /// <inheritdoc />
    public string Name => SinkName;

    /// <inheritdoc />
    public string Target => $"{options.Hl7.Host}:{options.Hl7.Port}";

    /// <inheritdoc />
    public async ValueTask<bool> DeliverAsync(JournalEvent journalEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(journalEvent);
        if (ResultEvents.ResultOf(journalEvent) is not { } result)
        {
            return true;
        }

        var message = ResultMessage.Build(result, journalEvent.Subject, this, refused, logger, report => builder.Build(report, journalEvent.Sequence.ToString(CultureInfo.InvariantCulture)));
        if (message is null)
        {
            return true;
        }

        string acknowledgement;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.Hl7.TimeoutSeconds));
            acknowledgement = await ExchangeAsync(message, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException or AuthenticationException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LisLog.Unavailable(logger, Name, Target, e is OperationCanceledException ? $"no acknowledgement within {options.Hl7.TimeoutSeconds} s" : e.Message, options.RetrySeconds);
            return false;
        }

        var msa = acknowledgement.Split('\r', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(s => s.StartsWith("MSA|", StringComparison.Ordinal))?.Split('|');
        var code = msa is { Length: > 1 } ? msa[1] : "";
        if (code is "AA" or "CA")
        {
            LisLog.Delivered(logger, Name, journalEvent.Subject, Target);
            return true;
        }

        var reason = $"acknowledgement {(code.Length == 0 ? "without MSA" : code)}{(msa is { Length: > 3 } && msa[3].Length > 0 ? $": {msa[3]}" : "")}";
        if (code is "AE" or "AR" or "CE" or "CR")
        {
            var path = refused.Keep(journalEvent.Subject, Name, "hl7", message, $"{Target}: {reason}");
            LisLog.Refused(logger, Name, Target, journalEvent.Subject, reason, path);
            return true;
        }

        LisLog.Unavailable(logger, Name, Target, reason, options.RetrySeconds);
        return false;
    }

    private async Task<string> ExchangeAsync(string message, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(options.Hl7.Host!, options.Hl7.Port, cancellationToken).ConfigureAwait(false);
        Stream stream = client.GetStream();
        using var tls = options.Hl7.UseTls ? new SslStream(stream, leaveInnerStreamOpen: false) : null;
        if (tls is not null)
        {
            // A refused certificate fails the handshake (AuthenticationException): logged with why, and tried again.
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = options.Hl7.ServerName ?? options.Hl7.Host!,
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors),
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            }, cancellationToken).ConfigureAwait(false);
            stream = tls;
        }

        var body = Encoding.UTF8.GetBytes(message);
        var frame = new byte[body.Length + 3];
        frame[0] = StartBlock;
        body.CopyTo(frame, 1);
        frame[^2] = EndBlock;
        frame[^1] = CarriageReturn;
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);

        // The acknowledgement, framed the same way; bounded, so a receiver that never ends a frame cannot grow it.
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the receiver closed the connection before acknowledging");
            }

            received.AddRange(buffer.AsSpan(0, read));
            var end = received.IndexOf(EndBlock);
            if (end >= 0)
            {
                var start = received.IndexOf(StartBlock);
                return Encoding.UTF8.GetString([.. received.Skip(start + 1).Take(end - start - 1)]);
            }

            if (received.Count > MaxAcknowledgementBytes)
            {
                throw new InvalidDataException($"the acknowledgement is larger than {MaxAcknowledgementBytes} bytes");
            }
        }
    }

    // The system's CAs, or the configured one; a name mismatch is never accepted.
    private bool Trusted(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || options.Hl7.CaFile is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var authority = X509CertificateLoader.LoadCertificateFromFile(options.Hl7.CaFile);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return chain.Build(presented);
    }
}
