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

    [Fact]
    public void Fifty_thousand_violations_become_a_hundred_and_one_that_counts_the_rest()
    {
        var problems = new FieldViolations();
        for (int i = 0; i < 50_000; i++)
        {
            problems.Add($"districts[{i}]", $"unknown district '{new string('x', 1000)}'");
        }

        var error = Assert.Throws<RpcException>(() => problems.ThrowIfAny());

        var violations = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations;
        // At most 100 kept, fewer when long descriptions fill the trailer budget; the last counts the rest.
        Assert.InRange(violations.Count, 2, FieldViolations.MaxViolations + 1);
        Assert.Equal($"and {50_000 - (violations.Count - 1)} more", violations[^1].Description);
        Assert.All(violations, v => Assert.True(v.Description.Length <= FieldViolations.MaxDescriptionLength + 3));
        Assert.True(error.GetRpcStatus()!.CalculateSize() < 64 * 1024);
        Assert.True(error.Status.Detail.Length < 4096);
    }

    [Fact]
    public void Grpc_errors_cap_a_long_violation_list_built_elsewhere()
    {
        var many = Enumerable.Range(0, 5000).Select(i => new BadRequest.Types.FieldViolation { Field = $"f{i}", Description = "bad" }).ToList();

        var violations = GrpcErrors.InvalidArgument(many).GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations;

        Assert.Equal(FieldViolations.MaxViolations + 1, violations.Count);
        Assert.Equal("and 4900 more", violations[^1].Description);
    }

    [Theory]
    [InlineData(253402300799L, false)] // 9999-12-31
    [InlineData(7258118400L, false)] // 2200-01-01
    [InlineData(-1L, false)] // 1969
    [InlineData(1700000000L, true)]
    public void Instants_are_held_to_years_1970_to_2199(long seconds, bool ok)
    {
        var problems = new FieldViolations().CheckInstant(new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = seconds }, "to", out var instant);

        Assert.Equal(!ok, problems.Any);
        Assert.Equal(ok ? NodaTime.Instant.FromUnixTimeSeconds(seconds) : default, instant);
    }
}
