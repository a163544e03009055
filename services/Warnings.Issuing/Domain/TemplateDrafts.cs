using Google.Rpc;
using NodaTime;
using Warnings.Contracts.Time;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using Warnings.PublicationList.Domain;

namespace Warnings.Issuing.Domain;

/// <summary>
/// A draft made from a template of the publication list (<c>CreateDraftRequest.from_template</c>):
/// the template's hazard and level where the content leaves them empty, and its texts with the
/// placeholders filled from the draft in each language, under every text field the request writes
/// itself (those win). What comes out is ordinary content, checked like any other.
/// </summary>
public static class TemplateDrafts
{
    /// <summary>Placeholder values one request may give.</summary>
    public const int MaxValues = 10;

    /// <summary>The longest placeholder value (it lands in a text of at most 2,000 characters).</summary>
    public const int MaxValue = 500;

    /// <summary>
    /// The draft's content and the note its "created" step gets. Without a template: the request's
    /// content as it is. With one: refusals of the template itself are thrown (NOT_FOUND
    /// <see cref="TemplateReasons.NotFound"/>, FAILED_PRECONDITION <see cref="TemplateReasons.Retired"/>,
    /// PERMISSION_DENIED <see cref="TemplateReasons.OtherDepartment"/>); problems with the request's
    /// fields go to <paramref name="problems"/>.
    /// </summary>
    public static (WarningContent? Content, string Note) Apply(CreateDraftRequest request, string department, CompiledList list, Instant now, FieldViolations problems)
    {
        if (request.FromTemplate is not { } from)
        {
            return (request.Content, "");
        }

        if (from.TemplateId.Length == 0)
        {
            problems.Add("from_template.template_id", "is required");
            return (request.Content, "");
        }

        var values = ReadValues(from, problems);

        var template = Find(list, from.TemplateId, department);
        var content = request.Content?.Clone() ?? new WarningContent();
        if (content.Hazard.Length == 0)
        {
            content.Hazard = template.Hazard;
        }

        if (content.Level.Length == 0)
        {
            content.Level = template.Level;
        }

        if (content.Hazard != template.Hazard || content.Level != template.Level)
        {
            problems.Check(content.Hazard == template.Hazard, "content.hazard", $"template {template.Id} is for '{template.Hazard}': leave the hazard empty, or choose a template for '{content.Hazard}'")
                .Check(content.Level == template.Level, "content.level", $"template {template.Id} is for level '{template.Level}': leave the level empty, or choose a template for '{content.Level}'");
            return (content, "");
        }

        var facts = new TemplateFacts(department, content.Hazard, content.Level, content.Districts,
            TimestampConversions.TryToInstant(content.OnsetAt, out var onset) ? onset : null,
            TimestampConversions.TryToInstant(content.ExpiresAt, out var expiry) ? expiry : null,
            LinkedMeasures(list, department, content, now),
            values);
        var filled = TemplateFilling.Fill(template, list.Names, facts);
        foreach (var missing in filled.Missing)
        {
            problems.Add("from_template.values", missing);
        }

        foreach (var text in filled.Texts)
        {
            Merge(content, text);
        }

        return (content, $"from template {template.Id} (list v{list.Version})");
    }

    private static WarningTemplate Find(CompiledList list, string id, string department)
    {
        var metadata = new Dictionary<string, string> { ["template_id"] = id, ["list_version"] = list.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var template = list.Document.Templates.FirstOrDefault(t => t.Id == id)
            ?? throw GrpcErrors.Build(Code.NotFound, TemplateReasons.NotFound, $"No template {id} in publication list v{list.Version}.", metadata);
        if (template.Status == TemplateStatus.Retired)
        {
            throw GrpcErrors.Build(Code.FailedPrecondition, TemplateReasons.Retired, $"Template {id} is retired (list v{list.Version}); choose another.", metadata);
        }

        if (template.Department != department)
        {
            metadata["template_department"] = template.Department;
            metadata["department"] = department;
            throw GrpcErrors.Build(Code.PermissionDenied, TemplateReasons.OtherDepartment,
                $"Template {id} is {template.Department}'s; a draft of {department} is made from {department}'s templates.", metadata);
        }

        return template;
    }

    // The response measures the grant links at the draft's level: the grant the list would decide
    // with (the one covering most of the draft's districts), whatever else the check says.
    private static IReadOnlyList<string> LinkedMeasures(CompiledList list, string department, WarningContent content, Instant now) =>
        list.Check(new PublicationCandidate { Department = department, Hazard = content.Hazard, Level = content.Level, Areas = content.Districts.ToArray() }, now).ResponseMeasures;

    // The valid values; each problem with one goes to `problems` (the template is filled all the same,
    // so the caller hears about everything at once).
    private static Dictionary<(string, string), string> ReadValues(DraftTemplate from, FieldViolations problems)
    {
        var values = new Dictionary<(string, string), string>();
        problems.CheckCount(from.Values.Count, "from_template.values", MaxValues);
        for (int i = 0; i < from.Values.Count && i < MaxValues; i++)
        {
            var value = from.Values[i];
            string at = $"from_template.values[{i}]";
            int before = problems.Count;
            if (!TemplatePlaceholders.Known.Contains(value.Placeholder) || TemplatePlaceholders.FromDraft.Contains(value.Placeholder))
            {
                problems.Add($"{at}.placeholder", TemplatePlaceholders.FromDraft.Contains(value.Placeholder)
                    ? $"{{{value.Placeholder}}} is filled from the draft; values are for {{{TemplatePlaceholders.Measures}}}"
                    : $"not a placeholder a value is given for; values are for {{{TemplatePlaceholders.Measures}}}");
            }

            problems.Check(value.Language.Length == 0 || ContentRules.Languages.Contains(value.Language), $"{at}.language", $"one of {string.Join(", ", ContentRules.Languages)}, or empty for every language")
                .CheckLength(value.Value, $"{at}.value", MaxValue)
                .Check(!values.ContainsKey((value.Placeholder, value.Language)), at, $"a second value for {{{value.Placeholder}}} in '{value.Language}'");
            if (problems.Count == before)
            {
                values[(value.Placeholder, value.Language)] = value.Value;
            }
        }

        return values;
    }

    // The request's own text fields win; the template fills the ones it leaves empty.
    private static void Merge(WarningContent content, TemplateText filled)
    {
        var text = content.Texts.FirstOrDefault(t => t.Language == filled.Language);
        if (text is null)
        {
            text = new WarningText { Language = filled.Language };
            content.Texts.Add(text);
        }

        text.Headline = text.Headline.Trim().Length > 0 ? text.Headline : filled.Headline;
        text.Description = text.Description.Length > 0 ? text.Description : filled.Description;
        text.Instruction = text.Instruction.Length > 0 ? text.Instruction : filled.Instruction;
    }
}
