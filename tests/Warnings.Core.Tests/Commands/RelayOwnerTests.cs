using Warnings.Core.Commands;
using Xunit;

namespace Warnings.Core.Tests.Commands;

/// <summary>The relay's name in its lease says which process holds it (the chaos harness reads it so).</summary>
public sealed class RelayOwnerTests
{
    [Fact]
    public void A_relay_owner_names_this_process()
    {
        Assert.Equal(Environment.ProcessId, Outbox.RelayOwnerProcessId(Outbox.NewRelayOwner()));
        Assert.NotEqual(Outbox.NewRelayOwner(), Outbox.NewRelayOwner());
    }

    [Theory]
    [InlineData("host-a-b-4242-0123456789abcdef0123456789abcdef", 4242)] // a machine name with dashes
    [InlineData("host-4242-0123456789abcdef0123456789abcdef", 4242)]
    [InlineData("nobody", null)]
    [InlineData("host-x-0123456789abcdef0123456789abcdef", null)]
    public void The_process_id_is_read_back_from_the_second_field_from_the_end(string owner, int? pid) =>
        Assert.Equal(pid, Outbox.RelayOwnerProcessId(owner));
}
