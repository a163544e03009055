using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Warnings.Feeds.Webhooks;

/// <summary>
/// Where webhooks may deliver. A partner chooses the URL, so without a rule the platform would
/// POST (and report back how that went) to its own loopback services, the cloud metadata address
/// or the city's internal network. Refused: loopback, private (10/8, 172.16/12, 192.168/16),
/// link-local (169.254/16, fe80::/10), carrier-grade NAT (100.64/10), unique-local (fc00::/7),
/// unspecified, "this network" (0/8), multicast, broadcast and other reserved ranges, IPv4-mapped IPv6 forms of
/// all of these, and the names <c>localhost</c> and <c>*.localhost</c>.
/// <para>
/// The rule is applied where it cannot be dodged: at connect time (<see cref="ConnectAsync"/>, the
/// webhook HttpClient's <see cref="SocketsHttpHandler.ConnectCallback"/>) the host is resolved
/// once, every address it resolves to is checked, and the socket connects to those checked
/// addresses only, so a name that resolves to a public address at registration and to 127.0.0.1
/// later (DNS rebinding) is refused. Registration also refuses such literal hosts at once
/// (<see cref="RefusesAtRegistration"/>).
/// </para>
/// <para>
/// <see cref="WebhookOptions.AllowedDestinations"/> lets chosen destinations through: <c>host</c> or
/// <c>host:port</c> entries match the URL's host as written (an IP literal or a name), CIDR entries
/// (<c>10.1.2.0/24</c>, <c>::1/128</c>) match the addresses a host resolves to.
/// </para>
/// </summary>
public sealed class WebhookDestinations
{
    /// <summary>What a refused destination is called in <c>last_error</c> and in the exception.</summary>
    public const string NotAllowed = "destination not allowed";

    private static readonly IPNetwork[] Forbidden =
    [
        IPNetwork.Parse("0.0.0.0/8"),        // "this network", unspecified
        IPNetwork.Parse("10.0.0.0/8"),       // private
        IPNetwork.Parse("100.64.0.0/10"),    // carrier-grade NAT
        IPNetwork.Parse("127.0.0.0/8"),      // loopback
        IPNetwork.Parse("169.254.0.0/16"),   // link-local, cloud metadata
        IPNetwork.Parse("172.16.0.0/12"),    // private
        IPNetwork.Parse("192.168.0.0/16"),   // private
        IPNetwork.Parse("192.0.0.0/24"),     // IETF protocol assignments
        IPNetwork.Parse("192.0.2.0/24"),     // documentation (TEST-NET-1)
        IPNetwork.Parse("198.18.0.0/15"),    // benchmarking
        IPNetwork.Parse("198.51.100.0/24"),  // documentation (TEST-NET-2)
        IPNetwork.Parse("203.0.113.0/24"),   // documentation (TEST-NET-3)
        IPNetwork.Parse("224.0.0.0/4"),      // multicast
        IPNetwork.Parse("240.0.0.0/4"),      // reserved, broadcast
        IPNetwork.Parse("::/128"),           // unspecified
        IPNetwork.Parse("::1/128"),          // loopback
        IPNetwork.Parse("fc00::/7"),         // unique-local
        IPNetwork.Parse("fe80::/10"),        // link-local
        IPNetwork.Parse("ff00::/8"),         // multicast
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork IPv4Compatible = IPNetwork.Parse("::/96");

    private readonly List<(string Host, int? Port)> _hosts = [];
    private readonly List<IPNetwork> _networks = [];
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    /// <param name="allowed">Entries of <see cref="WebhookOptions.AllowedDestinations"/>.</param>
    /// <param name="resolve">The resolver (tests give their own); <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> by default.</param>
    public WebhookDestinations(IEnumerable<string> allowed, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        _resolve = resolve ?? Dns.GetHostAddressesAsync;
        foreach (string raw in allowed.Select(a => a.Trim()).Where(a => a.Length > 0))
        {
            if (raw.Contains('/', StringComparison.Ordinal))
            {
                _networks.Add(IPNetwork.TryParse(raw, out var network)
                    ? network
                    : throw new Warnings.Core.Modules.PlatformConfigurationException($"Feeds:Webhooks:AllowedDestinations: '{raw}' is not a CIDR range (e.g. 10.1.2.0/24)."));
            }
            else
            {
                _hosts.Add(ParseHostAndPort(raw) ?? throw new Warnings.Core.Modules.PlatformConfigurationException($"Feeds:Webhooks:AllowedDestinations: '{raw}' is not host, host:port, or a CIDR range."));
            }
        }
    }

    /// <summary>True for the addresses no webhook may reach (unless allowed): see the class summary.</summary>
    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        else if (address.AddressFamily == AddressFamily.InterNetworkV6 && (Nat64.Contains(address) || IPv4Compatible.Contains(address)) && !address.Equals(IPAddress.IPv6Loopback) && !address.Equals(IPAddress.IPv6Any))
        {
            // An IPv4 address inside an IPv6 one (NAT64 64:ff9b::/96, the old ::a.b.c.d form): judge the IPv4 one.
            address = new IPAddress(address.GetAddressBytes()[12..]);
        }

        return Forbidden.Any(n => n.Contains(address)) || IPAddress.IsLoopback(address)
            || (address.AddressFamily == AddressFamily.InterNetworkV6 && (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal));
    }

    /// <summary>
    /// Why a registration's URL is refused before anything is stored (null when it is not): its host
    /// is a literal forbidden address, or <c>localhost</c>, and not on the allow-list. Names are
    /// checked at connect time, since what they resolve to can change.
    /// </summary>
    public string? RefusesAtRegistration(Uri url)
    {
        string host = Normalize(url.IdnHost);
        if (AllowsHost(host, url.Port))
        {
            return null;
        }

        if (IPAddress.TryParse(host, out var literal))
        {
            return IsForbidden(literal) && !AllowsAddress(literal)
                ? "must not point at a loopback, private, link-local, shared, unspecified or multicast address"
                : null;
        }

        return IsLocalhost(host) ? "must not point at localhost" : null;
    }

    /// <summary>
    /// The webhook HttpClient's connect step: resolves the host once, refuses (with
    /// <see cref="WebhookDestinationNotAllowedException"/>) when any address is forbidden and not
    /// allowed, and connects to the checked addresses only.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        string host = Normalize(context.DnsEndPoint.Host);
        int port = context.DnsEndPoint.Port;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else if (IsLocalhost(host) && !AllowsHost(host, port))
        {
            throw new WebhookDestinationNotAllowedException();
        }
        else
        {
            addresses = await _resolve(host, cancellationToken);
        }

        if (!AllowsHost(host, port) && (addresses.Length == 0 || addresses.Any(a => IsForbidden(a) && !AllowsAddress(a))))
        {
            throw new WebhookDestinationNotAllowedException();
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private bool AllowsHost(string host, int port) =>
        _hosts.Any(h => string.Equals(h.Host, host, StringComparison.OrdinalIgnoreCase) && (h.Port is null || h.Port == port));

    private bool AllowsAddress(IPAddress address)
    {
        var v4 = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Any(n => n.Contains(address) || n.Contains(v4));
    }

    private static bool IsLocalhost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    // An IP literal in its canonical form (so "[0:0::1]" is "::1"), a name without its trailing dot.
    private static string Normalize(string host) =>
        IPAddress.TryParse(Unbracket(host), out var address) ? address.ToString() : Unbracket(host).TrimEnd('.');

    private static string Unbracket(string host) => host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;

    // "host", "host:port", "1.2.3.4", "1.2.3.4:port", "::1", "[::1]", "[::1]:port".
    private static (string Host, int? Port)? ParseHostAndPort(string entry)
    {
        string host = entry;
        string? portText = null;
        if (entry.StartsWith('['))
        {
            int close = entry.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < entry.Length && entry[close + 1] != ':'))
            {
                return null;
            }

            host = entry[1..close];
            portText = close + 1 < entry.Length ? entry[(close + 2)..] : null;
        }
        else if (entry.Count(c => c == ':') == 1)
        {
            host = entry[..entry.IndexOf(':', StringComparison.Ordinal)];
            portText = entry[(entry.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }

        int? port = null;
        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) || parsed is < 1 or > 65535)
            {
                return null;
            }

            port = parsed;
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return (address.ToString(), port);
        }

        return Uri.CheckHostName(host) is UriHostNameType.Dns ? (host.TrimEnd('.'), port) : null;
    }
}

/// <summary>The webhook's destination is refused by <see cref="WebhookDestinations"/>.</summary>
public sealed class WebhookDestinationNotAllowedException() : Exception(WebhookDestinations.NotAllowed);
