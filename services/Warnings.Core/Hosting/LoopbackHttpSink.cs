using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Warnings.Core.Hosting;

/// <summary>
/// A plaintext HTTP/1.1 listener on a loopback port of its own that answers every request with a
/// body of known length (<c>Content-Length</c>) <c>202 Accepted</c> and keeps nothing: what a warm-up
/// step sends its real HTTP clients to (their handler, connection pool, request and response paths,
/// short of TLS), without calling anyone. A request it cannot frame (a chunked body) closes its
/// connection unanswered. Lives for one warm-up round.
/// </summary>
public sealed class LoopbackHttpSink : IAsyncDisposable
{
    private const int MaxHeaderBytes = 16 * 1024;

    private static readonly byte[] Accepted = Encoding.ASCII.GetBytes("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public LoopbackHttpSink()
    {
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/warm-up");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Requests answered so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    private int _connections;
    private int _requests;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                connections.Add(AnswerAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        await Task.WhenAll(connections);
    }

    // Requests one after the other on a kept-alive connection (HttpClient does not pipeline); the body is read and dropped.
    private async Task AnswerAsync(TcpClient client)
    {
        using var _ = client;
        var buffer = new byte[MaxHeaderBytes];
        try
        {
            var stream = client.GetStream();
            while (true)
            {
                int filled = 0, end;
                while ((end = buffer.AsSpan(0, filled).IndexOf(HeaderEnd)) < 0)
                {
                    int read = filled < buffer.Length ? await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token) : 0;
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                if (Header(buffer.AsSpan(0, end), "Transfer-Encoding") is not null)
                {
                    return; // a body this listener cannot frame: close rather than misread it as the next request
                }

                long length = long.TryParse(Header(buffer.AsSpan(0, end), "Content-Length"), out long declared) ? declared : 0;
                long remaining = length - (filled - end - HeaderEnd.Length);
                while (remaining > 0)
                {
                    int read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    remaining -= read;
                }

                Interlocked.Increment(ref _requests); // before the answer: a caller that has it sees it counted
                await stream.WriteAsync(Accepted, _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client or the sink went away.
        }
    }

    private static string? Header(ReadOnlySpan<byte> headers, string name)
    {
        foreach (var line in Encoding.ASCII.GetString(headers).Split("\r\n"))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }
}
