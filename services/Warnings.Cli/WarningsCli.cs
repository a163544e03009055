using System.CommandLine;
using Google.Rpc;
using Grpc.Core;

namespace Warnings.Cli;

/// <summary>
/// <c>warnings</c>: the platform from a shell. Exit codes a script can rely on:
/// 0 done; 1 usage error; 2 invalid input (the field violations are printed); 3 not found;
/// 4 not allowed (no or bad credentials, role or scope); 5 refused by a rule (state, four-eyes,
/// publication list, conflict); 6 the platform is unavailable or failed; 7 (<c>--wait</c>) a channel
/// failed to deliver; 8 (<c>--wait</c>) delivery had not settled within <c>--timeout</c>;
/// 130 interrupted (Ctrl-C), as shells report SIGINT.
/// </summary>
public static class WarningsCli
{
    public const int Ok = 0, Usage = 1, Invalid = 2, NotFound = 3, NotAllowed = 4, Refused = 5, Failed = 6, DeliveryFailed = 7, TimedOut = 8, Interrupted = 130;

    /// <summary>The clock the CLI reads "now" from (onset of a new draft, default occurrence time); replaceable in tests.</summary>
    internal static TimeProvider Time { get; private set; } = TimeProvider.System;

    internal static readonly Option<string?> Address = new("--address") { Description = "gRPC address of the platform (env WARNINGS_ADDRESS; default http://127.0.0.1:5100)", Recursive = true };
    internal static readonly Option<string?> ApiKey = new("--api-key") { Description = "API key (env WARNINGS_API_KEY), or 'Bearer <jwt>'", Recursive = true };
    internal static readonly Option<bool> Json = new("--json") { Description = "Print protobuf JSON instead of tables", Recursive = true };
    internal static readonly Option<string?> Config = new("--config") { Description = "Config file (default ~/.config/warnings/cli.json)", Recursive = true };
    internal static readonly Option<string?> RequestId = new("--request-id") { Description = "Request id for a change (default: a new one); repeat it to retry safely", Recursive = true };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default, TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        var root = new RootCommand("Emergency warnings and incident reports from the command line.");
        foreach (var option in new Option[] { Address, ApiKey, Json, Config, RequestId })
        {
            root.Options.Add(option);
        }

        WarningCommands.AddTo(root, output, error);
        ReportCommands.AddTo(root, output, error);
        GrantCommands.AddTo(root, output, error);
        TemplateCommands.AddTo(root, output, error);
        FeedCommands.AddTo(root, output, error);
        DisplayCommands.AddTo(root, output, error);
        ExportCommands.AddTo(root, output, error);
        var parse = root.Parse(args);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    /// <summary>An action with a session and the platform's errors turned into plain words and an exit code.</summary>
    internal static Func<ParseResult, CancellationToken, Task<int>> Action(TextWriter output, TextWriter error, Func<Session, ParseResult, CancellationToken, Task> run) =>
        async (parse, cancellationToken) =>
        {
            using var session = Session.Resolve(parse.GetValue(Address), parse.GetValue(ApiKey), parse.GetValue(Json), output, parse.GetValue(Config));
            try
            {
                await run(session, parse, cancellationToken);
                return Ok;
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                // Ctrl-C: the user asked to stop; that is not an error to explain.
                return Interrupted;
            }
            catch (RpcException e)
            {
                return Report(e, error, FromFile(parse));
            }
            catch (CliException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return e.ExitCode;
            }
        };

    /// <summary>Adds the command <paramref name="name"/> under <paramref name="parent"/> with its arguments and options, running <paramref name="run"/>.</summary>
    internal static void AddCommand(Command parent, string name, string description, TextWriter output, TextWriter error,
        Func<Session, ParseResult, CancellationToken, Task> run, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            if (symbol is Argument argument)
            {
                command.Arguments.Add(argument);
            }
            else
            {
                command.Options.Add((Option)symbol);
            }
        }

        command.SetAction(Action(output, error, run));
        parent.Subcommands.Add(command);
    }

    internal static string Id(ParseResult parse) => parse.GetValue(RequestId) is { Length: > 0 } id ? id : Session.NewRequestId();

    // A request read from --file names its fields as the file does; one built from flags, by the flags.
    private static bool FromFile(ParseResult parse) =>
        parse.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>().Any(o => o.Option.Name == "--file" && !o.Implicit);

    /// <summary>Prints the refusal: the message, the code and reason, and each violation, named by the flag the user typed where there is one.</summary>
    public static int Report(RpcException e, TextWriter error, bool fromFile = false)
    {
        var status = e.GetRpcStatus();
        var info = status?.GetDetail<ErrorInfo>();
        var violations = status?.GetDetail<BadRequest>()?.FieldViolations.ToList() ?? [];
        string message = status?.Message is { Length: > 0 } text ? text : e.Status.Detail;
        // The summary names the fields too: each replaced once, the longest path first ("content.texts[0].headline" before "content.texts").
        var fields = violations.Select(v => v.Field).Where(f => f.Length > 0).Distinct().OrderByDescending(f => f.Length).Select(System.Text.RegularExpressions.Regex.Escape).ToList();
        if (fields.Count > 0)
        {
            message = System.Text.RegularExpressions.Regex.Replace(message, string.Join("|", fields), m => FlagFields.Name(m.Value, fromFile));
        }

        error.WriteLine($"error: {message} [{e.StatusCode}{(info is null ? "" : $" {info.Reason}")}]");
        foreach (var violation in violations)
        {
            error.WriteLine($"  - {FlagFields.Name(violation.Field, fromFile)}: {violation.Description}");
        }

        foreach (var violation in status?.GetDetail<PreconditionFailure>()?.Violations ?? [])
        {
            error.WriteLine($"  - {violation.Type} {violation.Subject}: {violation.Description}");
        }

        if (status?.GetDetail<RetryInfo>()?.RetryDelay is { } delay)
        {
            error.WriteLine($"  retry after {delay.ToTimeSpan().TotalSeconds:0.#} s");
        }

        return e.StatusCode switch
        {
            StatusCode.InvalidArgument or StatusCode.OutOfRange => Invalid,
            StatusCode.NotFound => NotFound,
            StatusCode.Unauthenticated or StatusCode.PermissionDenied => NotAllowed,
            StatusCode.FailedPrecondition or StatusCode.Aborted or StatusCode.AlreadyExists or StatusCode.ResourceExhausted => Refused,
            _ => Failed,
        };
    }
}

/// <summary>A mistake the CLI finds before calling (a missing file, a flag that makes no sense).</summary>
public sealed class CliException(string message, int exitCode = WarningsCli.Invalid) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
