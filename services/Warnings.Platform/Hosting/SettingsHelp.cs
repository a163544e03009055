using System.Collections;
using System.Reflection;
using System.Text;
using Warnings.Analysis;
using Warnings.Core.Audit;
using Warnings.Core.Commands;
using Warnings.Core.Identity;
using Warnings.Dispatch;
using Warnings.Feeds;
using Warnings.Issuing;
using Warnings.PublicationList.Storage;
using Warnings.Platform.Messaging;
using Warnings.Reporting;

namespace Warnings.Platform.Hosting;

/// <summary>
/// <c>--help</c>: every setting with its default, read from the options classes themselves so the list
/// cannot drift from what the host binds. Settings come from appsettings.json, environment variables
/// (<c>Section__Name</c>), files named like them in <c>Platform:SecretsDirectory</c>, and the command
/// line (<c>--Section:Name=value</c>), later ones winning.
/// </summary>
public static class SettingsHelp
{
    private static readonly (string Section, Type Options)[] Sections =
    [
        (PlatformOptions.Section, typeof(PlatformOptions)),
        (BusOptions.Section, typeof(BusOptions)),
        ("Outbox", typeof(OutboxOptions)),
        (IdentityOptions.Section, typeof(IdentityOptions)),
        (AuditOptions.Section, typeof(AuditOptions)),
        ("PublicationList", typeof(PublicationListOptions)),
        ("Issuing", typeof(IssuingOptions)),
        (Warnings.Issuing.Cap.CapSigningOptions.Section, typeof(Warnings.Issuing.Cap.CapSigningOptions)),
        (Warnings.Issuing.Cap.CapImportOptions.Section, typeof(Warnings.Issuing.Cap.CapImportOptions)),
        ("Reporting", typeof(ReportingOptions)),
        ("Dispatch", typeof(DispatchOptions)),
        ("Feeds", typeof(FeedsOptions)),
        ("Analysis", typeof(AnalysisOptions)),
        (Warnings.DutyConsole.ConsoleOptions.Section, typeof(Warnings.DutyConsole.ConsoleOptions)),
    ];

    public static bool IsRequested(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h" or "-?" or "help");

    public static string Text()
    {
        var text = new StringBuilder();
        text.AppendLine("Usage: warnings-platform [--modules LIST] [--Section:Name=value ...]");
        text.AppendLine();
        text.AppendLine("Runs the Warnings platform. With no settings: every module on the in-memory bus and store.");
        text.AppendLine("Settings come from appsettings.json, environment variables (Section__Name=value), files in");
        text.AppendLine("Platform:SecretsDirectory named like the variables (key-per-file, e.g. /run/secrets), and the");
        text.AppendLine("command line (--Section:Name=value); later sources win. Logging__Console__FormatterName=json");
        text.AppendLine("prints one JSON object per log line. OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_SERVICE_NAME are honoured.");
        text.AppendLine();
        text.AppendLine("  --modules LIST    comma-separated modules (default: all): " + string.Join(", ", Modules.ModuleCatalog.All.Select(m => m.Name)));
        // The store's settings are read by hand (two sections), so they are listed by hand.
        text.AppendLine();
        text.AppendLine("Redis, Store:");
        text.AppendLine($"  {"Redis:Configuration",-48} {"text",-10} (empty: the in-memory store) e.g. 127.0.0.1:6379");
        text.AppendLine($"  {"Redis:Durability",-48} {"EverySecond|Always",-10} EverySecond");
        text.AppendLine($"  {"Store:KeyPrefix",-48} {"text",-10} wrn");
        text.AppendLine($"  {"Telemetry:OtlpEndpoint",-48} {"text",-10} (none) or OTEL_EXPORTER_OTLP_ENDPOINT");
        text.AppendLine($"  {"Telemetry:Tracing",-48} {"bool",-10} false (spans are recorded with OTLP, or with this for an in-process exporter)");
        text.AppendLine($"  {"Platform:SecretsDirectory",-48} {"text",-10} /run/secrets when it exists");
        foreach (var (section, type) in Sections)
        {
            text.AppendLine();
            text.AppendLine($"{section}:");
            Describe(text, section, type, Activator.CreateInstance(type), depth: 0);
        }

        text.AppendLine();
        text.AppendLine("Exit codes: 0 stopped normally, 2 a setting is wrong (the message names it).");
        return text.ToString();
    }

    private static void Describe(StringBuilder text, string prefix, Type type, object? defaults, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || IsCollection(p.PropertyType)))
        {
            string key = $"{prefix}:{property.Name}";
            object? value = defaults is null ? null : property.GetValue(defaults);
            var shown = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsLeaf(shown) || depth >= 2)
            {
                text.AppendLine($"  {key,-48} {Name(shown),-10} {Format(value)}");
            }
            else if (IsCollection(shown))
            {
                text.AppendLine($"  {key}:<key or index>:...   ({Name(shown)})");
            }
            else
            {
                Describe(text, key, shown, value ?? SafeCreate(shown), depth + 1);
            }
        }
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);

    private static bool IsCollection(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    private static object? SafeCreate(Type type) => type.GetConstructor(Type.EmptyTypes) is null ? null : Activator.CreateInstance(type);

    private static string Name(Type type) => type.IsEnum ? string.Join("|", Enum.GetNames(type)) : type.Name switch
    {
        "String" => "text", "Int32" or "Int64" => "number", "Double" => "number", "Boolean" => "true|false", "TimeSpan" => "hh:mm:ss", var n => n,
    };

    private static string Format(object? value) => value switch
    {
        null => "(none)",
        string s when s.Length == 0 => "(empty)",
        string s => s,
        bool b => b ? "true" : "false",
        IEnumerable e when value is not string => $"[{string.Join(", ", e.Cast<object>())}]",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
