using System.Net;
using Warnings.Feeds.Webhooks;

namespace Warnings.Platform.Tests.Feeds;

/// <summary>The webhook destination rule on its own: which addresses are refused, the allow-list, and the connect step.</summary>
public sealed class WebhookDestinationsTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.251")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::7f00:1")]
    public void Internal_addresses_are_forbidden(string address) => Assert.True(WebhookDestinations.IsForbidden(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:93.184.216.34")]
    public void Public_addresses_are_not(string address) => Assert.False(WebhookDestinations.IsForbidden(IPAddress.Parse(address)));

    [Fact]
    public void The_allow_list_lets_exactly_its_entries_through_at_registration()
    {
        var destinations = new WebhookDestinations(["127.0.0.1:8080", "hooks.internal", "10.9.0.0/16", "[::1]:9000"]);

        Assert.Null(destinations.RefusesAtRegistration(new Uri("http://127.0.0.1:8080/x")));
        Assert.NotNull(destinations.RefusesAtRegistration(new Uri("http://127.0.0.1:8081/x")));
        Assert.Null(destinations.RefusesAtRegistration(new Uri("http://10.9.3.4/x")));
        Assert.NotNull(destinations.RefusesAtRegistration(new Uri("http://10.8.3.4/x")));
        Assert.Null(destinations.RefusesAtRegistration(new Uri("http://[::1]:9000/x")));
        Assert.NotNull(destinations.RefusesAtRegistration(new Uri("http://[::1]:9001/x")));
        Assert.Null(destinations.RefusesAtRegistration(new Uri("https://hooks.internal/x")));
        Assert.Null(destinations.RefusesAtRegistration(new Uri("https://partner.example/x"))); // names are judged at connect time
        Assert.Throws<Warnings.Core.Modules.PlatformConfigurationException>(() => new WebhookDestinations(["10.0.0.0/33"]));
        Assert.Throws<Warnings.Core.Modules.PlatformConfigurationException>(() => new WebhookDestinations(["not a host"]));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("93.184.216.34,10.0.0.1")] // one bad answer among good ones is enough to refuse
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("")]
    public async Task A_name_resolving_to_a_forbidden_address_is_refused_when_connecting(string answer)
    {
        var addresses = answer.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(IPAddress.Parse).ToArray();
        var destinations = new WebhookDestinations([], (_, _) => Task.FromResult(addresses));
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = destinations.ConnectAsync, UseProxy = false });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("http://rebinding.example/hook"));

        Assert.Equal("destination not allowed", WebhookDelivery.FailureClass(error));
    }

    [Fact]
    public async Task An_allowed_range_connects_to_the_addresses_that_were_checked()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var destinations = new WebhookDestinations(["127.0.0.0/8"], (_, _) => Task.FromResult(new[] { IPAddress.Loopback }));
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = destinations.ConnectAsync, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };

        var accepted = listener.AcceptTcpClientAsync();
        var request = client.GetAsync($"http://allowed.example:{port}/hook");
        using var connection = await accepted.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(connection.Connected);
        await Assert.ThrowsAnyAsync<Exception>(() => request); // nobody answers HTTP: the client times out
    }
}
