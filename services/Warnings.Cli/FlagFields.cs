using System.Text.RegularExpressions;

namespace Warnings.Cli;

/// <summary>
/// The platform names a bad field by its API path (<c>body.reporting_unit</c>); a user who typed
/// <c>--unit</c> should read <c>--unit</c>. This maps the paths of the requests the CLI builds from
/// flags back to those flags; a path with no flag is shown as the API field, in parentheses.
/// </summary>
internal static partial class FlagFields
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        // Warning content (draft, update).
        ["content.hazard"] = "--hazard",
        ["content.level"] = "--level",
        ["content.districts"] = "--district",
        ["content.channels"] = "--channel",
        ["content.texts.headline"] = "--headline",
        ["content.texts.description"] = "--description",
        ["content.texts.instruction"] = "--instruction",
        ["content.expires_at"] = "--valid-hours",
        ["from_template.template_id"] = "--template",
        ["from_template.values"] = "--value",
        ["note"] = "--note",
        ["reason"] = "--reason",
        ["comment"] = "--comment",
        // Incident reports.
        ["body.category"] = "--category",
        ["body.district"] = "--district",
        ["body.occurred_at"] = "--occurred",
        ["body.address"] = "--place",
        ["body.location"] = "--lat/--lon",
        ["body.totals.deaths"] = "--deaths",
        ["body.totals.missing"] = "--missing",
        ["body.totals.seriously_injured"] = "--injured",
        ["body.totals.direct_loss_yuan"] = "--loss",
        ["body.account"] = "--account",
        ["body.reporting_unit"] = "--unit",
        ["body.reporter"] = "--reporter",
        ["body.signing_official"] = "--signer",
        ["body.count_change_reason"] = "--change-reason",
        // Exports.
        ["file"] = "<dataset>/--format",
        ["from"] = "--from",
        ["to"] = "--to",
        ["district"] = "--district",
        ["period"] = "--period",
    };

    /// <summary>
    /// How to name <paramref name="field"/> to the user: its flag, or the API path in parentheses. When
    /// the request came from a file (<paramref name="fromFile"/>) the path is what the user wrote, so it stays.
    /// </summary>
    public static string Name(string field, bool fromFile) =>
        fromFile ? field : Flags.TryGetValue(Index().Replace(field, ""), out var flag) ? flag : $"({field})";

    // "content.districts[2]" and "content.texts[0].headline" are the flag's values, whichever one.
    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Index();
}
