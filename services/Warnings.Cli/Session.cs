using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Spectre.Console;

namespace Warnings.Cli;

/// <summary>
/// Where to call and as whom, resolved once per command: flags first, then the environment
/// (<c>WARNINGS_ADDRESS</c>, <c>WARNINGS_API_KEY</c>), then the config file
/// (<c>~/.config/warnings/cli.json</c>: <c>{"address": ..., "apiKey": ...}</c>), then the default
/// address of a local platform. Also the output: a table for people, protobuf JSON with <c>--json</c>.
/// </summary>
public sealed class Session(string address, string? apiKey, bool json, TextWriter output) : IDisposable
{
    public const string DefaultAddress = "http://127.0.0.1:5100";
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation());
    private static readonly JsonFormatter JsonLine = new(JsonFormatter.Settings.Default);
    private GrpcChannel? _channel;
    private Task<Contracts.V1.PublicationList>? _list;

    public string Address { get; } = address;

    public bool JsonOutput { get; } = json;

    public TextWriter Output { get; } = output;

    public IAnsiConsole Console { get; } = CreateConsole(output);

    // Tables keep whole ids when the output is a file or pipe (there is no terminal width to fit).
    private static IAnsiConsole CreateConsole(TextWriter output)
    {
        // Escape codes only for a terminal: a file, pipe or test reads plain text.
        bool terminal = output == System.Console.Out && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No, Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No, ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors });
        if (output != System.Console.Out || System.Console.IsOutputRedirected)
        {
            console.Profile.Width = 240;
        }

        return console;
    }

    public static Session Resolve(string? addressFlag, string? keyFlag, bool json, TextWriter output, string? configPath = null)
    {
        var file = ReadConfig(configPath ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "warnings", "cli.json"));
        string address = First(addressFlag, Environment.GetEnvironmentVariable("WARNINGS_ADDRESS"), file.GetValueOrDefault("address")) ?? DefaultAddress;
        string? key = First(keyFlag, Environment.GetEnvironmentVariable("WARNINGS_API_KEY"), file.GetValueOrDefault("apiKey"));
        return new Session(address, key, json, output);
    }

    /// <summary>A call invoker that sends the key (when there is one) on every call.</summary>
    public CallInvoker Invoker
    {
        get
        {
            // Exports are files of a few MiB, more than gRPC's default 4 MiB a message.
            _channel ??= GrpcChannel.ForAddress(Address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
            return apiKey is null ? _channel.CreateCallInvoker() : _channel.Intercept(metadata =>
            {
                metadata.Add("authorization", apiKey.StartsWith("Bearer ", StringComparison.Ordinal) ? apiKey : $"ApiKey {apiKey}");
                return metadata;
            });
        }
    }

    /// <summary>A new request id: a command run once is one request (pass --request-id to make a retried script safe).</summary>
    public static string NewRequestId() => $"cli-{Guid.NewGuid():N}";

    /// <summary>Prints <paramref name="message"/> as JSON, or runs <paramref name="human"/> for the table form.</summary>
    public void Print(IMessage message, Action human)
    {
        if (JsonOutput)
        {
            Output.WriteLine(Json.Format(message));
        }
        else
        {
            human();
        }
    }

    /// <summary>Prints <paramref name="message"/> as JSON on one line: for streams a script reads line by line.</summary>
    public void PrintLine(IMessage message) => Output.WriteLine(JsonLine.Format(message));

    /// <summary>Whether the output is a terminal a display can redraw in place (not a file, pipe or test writer).</summary>
    public bool IsTerminal => !JsonOutput && Output == System.Console.Out && !System.Console.IsOutputRedirected;

    /// <summary>The current publication list, fetched once per command (the vocabulary flags are checked against).</summary>
    public Task<Contracts.V1.PublicationList> PublicationListAsync(CancellationToken cancellationToken) =>
        _list ??= new Contracts.V1.PublicationListService.PublicationListServiceClient(Invoker).GetListAsync(new Contracts.V1.GetListRequest(), cancellationToken: cancellationToken).ResponseAsync;

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static Dictionary<string, string> ReadConfig(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    public void Dispose() => _channel?.Dispose();
}
