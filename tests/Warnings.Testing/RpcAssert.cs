using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace Warnings.Testing;

/// <summary>Assertions on the platform's typed errors.</summary>
public static class RpcAssert
{
    /// <summary>The call was refused with <paramref name="status"/> and the stable reason code <paramref name="reason"/> in its ErrorInfo.</summary>
    public static void Refused(RpcException error, StatusCode status, string reason)
    {
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(reason, error.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
    }
}
