using MQTTnet;

namespace EdgeRuntime.TestSupport;

/// <summary>The CONNACK reason of a refused MQTTnet 5 connection, which it gives only in the exception's message.</summary>
public static class MqttConnectFailure
{
    /// <summary>The reason code named in <paramref name="e"/>'s message, or <see cref="MqttClientConnectResultCode.UnspecifiedError"/>.</summary>
    public static MqttClientConnectResultCode ReasonOf(MQTTnet.Adapter.MqttConnectingFailedException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Enum.GetValues<MqttClientConnectResultCode>().Where(c => c != MqttClientConnectResultCode.Success)
            .FirstOrDefault(c => e.Message.Contains(c.ToString(), StringComparison.Ordinal), MqttClientConnectResultCode.UnspecifiedError);
    }
}
