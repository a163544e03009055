using Google.Rpc;
using Grpc.Core;
using Warnings.Core.Grpc;

namespace Warnings.Core.Tests;

public class GrpcErrorsTests
{
    [Fact]
    public void Field_violations_become_one_invalid_argument_with_every_field_and_a_reason()
    {
        var problems = new FieldViolations()
            .Check(false, "headline", "must not be empty")
            .Check(true, "level", "never reported")
            .Check(false, "expires_at", "must be after onset");

        var error = Assert.Throws<RpcException>(() => problems.ThrowIfAny());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var status = error.GetRpcStatus()!;
        var badRequest = status.GetDetail<BadRequest>();
        Assert.Equal(["headline", "expires_at"], badRequest.FieldViolations.Select(v => v.Field));
        var info = status.GetDetail<ErrorInfo>();
        Assert.Equal(ErrorReasons.InvalidRequest, info.Reason);
        Assert.Equal(GrpcErrors.Domain, info.Domain);
        Assert.Contains("headline", error.Status.Detail);
    }

    [Fact]
    public void No_violations_throw_nothing()
    {
        new FieldViolations().Check(true, "x", "fine").ThrowIfAny();
    }

    [Fact]
    public void Built_errors_carry_reason_and_metadata()
    {
        var error = GrpcErrors.Build(Code.FailedPrecondition, "LIST_VERSION_STALE", "stale", new Dictionary<string, string> { ["current_version"] = "7" });

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var info = error.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal("LIST_VERSION_STALE", info.Reason);
        Assert.Equal("7", info.Metadata["current_version"]);
    }
}
