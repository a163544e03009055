using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Warnings.Contracts.V1;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Commands;

/// <summary>The display sessions of the IdentityService: A and B are sessions of screens of their own.</summary>
public sealed partial class RequestIdReuseTests
{
    private async Task<IMessage[]> DisplaysAsync() => [await Identities.ListDisplaySessionsAsync(new ListDisplaySessionsRequest { PageSize = 500 })];

    // The pairing code was shown once: a repeat is told which session the request issued.
    private Task IssueDisplaySession() => ReuseAsync(r => Identities.IssueDisplaySessionAsync(r),
        new IssueDisplaySessionRequest { Label = "reuse A" }, new IssueDisplaySessionRequest { Label = "reuse B" }, DisplaysAsync, (first, again) =>
        {
            RpcAssert.Refused(again, StatusCode.AlreadyExists, "REQUEST_ALREADY_DONE");
            Assert.Equal(first.Info.DisplayId, again.GetRpcStatus()!.GetDetail<ErrorInfo>().Metadata["display_id"]);
        });

    private async Task RevokeDisplaySession()
    {
        string a = (await Identities.IssueDisplaySessionAsync(new IssueDisplaySessionRequest { RequestId = NewId(), Label = "reuse A" })).Info.DisplayId;
        string b = (await Identities.IssueDisplaySessionAsync(new IssueDisplaySessionRequest { RequestId = NewId(), Label = "reuse B" })).Info.DisplayId;
        await ReuseAsync(r => Identities.RevokeDisplaySessionAsync(r),
            new RevokeDisplaySessionRequest { DisplayId = a, Reason = "replaced" }, new RevokeDisplaySessionRequest { DisplayId = b, Reason = "replaced" }, DisplaysAsync);
    }
}
