using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Operations;

internal static partial class OperationsLog
{
    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "Operations endpoint on {Address} (TLS {Tls}, {Accounts} accounts): /metrics, /health/live, /health/ready")]
    public static partial void Listening(ILogger logger, string address, bool tls, int accounts);
}
