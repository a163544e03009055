using Warnings.Contracts.V1;

namespace Warnings.PublicationList.Domain;

/// <summary>The templates rule: known codes, both languages, bounded lengths, known placeholders.</summary>
public static partial class ListValidator
{
    /// <summary>At most this many templates in one list (the default has one per hazard and level).</summary>
    public const int MaxTemplates = 500;

    /// <summary>The template's headline, as long as a warning's may be (the filled one is checked again on the draft).</summary>
    public const int MaxTemplateHeadline = 100;

    /// <summary>The template's description and instruction, as long as a warning's may be.</summary>
    public const int MaxTemplateText = 2000;

    /// <summary>The languages every template is written in, each once.</summary>
    public static IReadOnlyList<string> TemplateLanguages { get; } = [ListNames.Chinese, ListNames.English];

    private static void CheckTemplates(Contracts.V1.PublicationList list, Action<string, string> problem)
    {
        if (list.Templates.Count > MaxTemplates)
        {
            problem("templates", $"at most {MaxTemplates} templates (this has {list.Templates.Count})");
            return;
        }

        var departments = list.Departments.Select(d => d.Code).ToHashSet();
        var hazards = list.Hazards.GroupBy(h => h.Code).ToDictionary(g => g.Key, g => g.First());
        var ids = new HashSet<string>();
        for (int i = 0; i < list.Templates.Count; i++)
        {
            var template = list.Templates[i];
            string at = $"templates[{i}]";
            if (!GrantIdPattern().IsMatch(template.Id))
            {
                problem($"{at}.id", "must be 1-64 characters of a-z, 0-9, '.', '_' or '-'");
            }
            else if (!ids.Add(template.Id))
            {
                problem($"{at}.id", $"another template already has id {template.Id}");
            }

            if (template.Status == TemplateStatus.Unspecified)
            {
                problem($"{at}.status", "must be active or retired");
            }

            // A retired template is history: the codes it names may since have left the list.
            if (template.Status != TemplateStatus.Retired)
            {
                CheckTemplateCodes(template, at, departments, hazards, problem);
            }

            CheckTemplateTexts(template, at, problem);
        }
    }

    private static void CheckTemplateCodes(WarningTemplate template, string at, HashSet<string> departments, Dictionary<string, Hazard> hazards, Action<string, string> problem)
    {
        if (!departments.Contains(template.Department))
        {
            problem($"{at}.department", $"unknown department '{template.Department}'");
        }

        if (!hazards.TryGetValue(template.Hazard, out var hazard))
        {
            problem($"{at}.hazard", $"unknown hazard '{template.Hazard}'");
        }
        else if (hazard.Levels.Count == 0 ? template.Level != "" : !hazard.Levels.Contains(template.Level))
        {
            problem($"{at}.level", hazard.Levels.Count == 0
                ? $"'{hazard.Code}' has no levels: use the empty level"
                : $"'{hazard.Code}' uses {string.Join(", ", hazard.Levels)}, not '{template.Level}'");
        }
    }

    private static void CheckTemplateTexts(WarningTemplate template, string at, Action<string, string> problem)
    {
        if (template.Texts.Count != TemplateLanguages.Count || TemplateLanguages.Any(l => template.Texts.Count(t => t.Language == l) != 1))
        {
            problem($"{at}.texts", $"one text in each of {string.Join(" and ", TemplateLanguages)}");
        }

        for (int t = 0; t < template.Texts.Count && t < TemplateLanguages.Count + 1; t++)
        {
            var text = template.Texts[t];
            string textAt = $"{at}.texts[{t}]";
            if (!TemplateLanguages.Contains(text.Language))
            {
                problem($"{textAt}.language", $"unsupported language '{text.Language}'; templates are in {string.Join(" and ", TemplateLanguages)}");
            }

            CheckTemplateField(text.Headline, $"{textAt}.headline", MaxTemplateHeadline, required: true, text.Language, template.Level, problem);
            CheckTemplateField(text.Description, $"{textAt}.description", MaxTemplateText, required: false, text.Language, template.Level, problem);
            CheckTemplateField(text.Instruction, $"{textAt}.instruction", MaxTemplateText, required: false, text.Language, template.Level, problem);
        }
    }

    private static void CheckTemplateField(string value, string field, int max, bool required, string language, string level, Action<string, string> problem)
    {
        if (value.Length > max || (required && value.Trim().Length == 0))
        {
            problem(field, required ? $"1-{max} characters" : $"at most {max} characters");
            return;
        }

        var (used, syntax) = TemplatePlaceholders.Read(value);
        if (syntax is not null)
        {
            problem(field, syntax);
        }
        else if (level.Length == 0 && used.Contains(TemplatePlaceholders.Level))
        {
            problem(field, "a template for a level-less notice has no {level}");
        }

        if (!ListNames.IsChinese(language) && ListNames.HasChinese(value))
        {
            problem(field, "an English text has no Chinese characters");
        }
    }
}
