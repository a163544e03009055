using Warnings.Core.Identity;

namespace Warnings.Core.Tests.Identity;

public class RefusalAuditThrottleTests
{
    [Fact]
    public void Refusals_from_one_address_are_recorded_at_a_bounded_rate_and_others_are_not_held_up()
    {
        using var throttle = new RefusalAuditThrottle();

        var recorded = Enumerable.Range(0, 1000).Count(i => throttle.ShouldRecord("203.0.113.9", out _));

        Assert.Equal(10, recorded);
        Assert.True(throttle.ShouldRecord("198.51.100.1", out long folded));
        Assert.Equal(0, folded);
    }
}
