using System.Text.RegularExpressions;
using Warnings.Contracts.V1;
using Warnings.Core.Identity;

namespace Warnings.PublicationList.Domain;

/// <summary>
/// The names one list version gives its codes, in the language asked for: what CAP's <c>info</c>
/// blocks and template texts print. Chinese (zh-*) reads <c>name</c>, any other language
/// <c>name_en</c>. Where a name is missing (a list written before English names existed) the code
/// stands in, never the other language's name, so an English text stays free of Chinese;
/// <see cref="MissingEnglish"/> says which.
/// </summary>
public sealed partial class ListNames
{
    public const string Chinese = "zh-CN";
    public const string English = "en";

    private readonly Dictionary<string, NameEntry> _districts;
    private readonly Dictionary<string, NameEntry> _departments;
    private readonly Dictionary<string, NameEntry> _hazards;
    private readonly Dictionary<string, NameEntry> _levels;
    private readonly Dictionary<string, NameEntry> _measures;
    private readonly Dictionary<string, NameEntry> _categories;
    private readonly NameEntry _city;

    private ListNames(Contracts.V1.PublicationList list)
    {
        _districts = Index(list.Districts.Select(d => new NameEntry(d.Code, d.Name, d.NameEn)));
        _departments = Index(list.Departments.Select(d => new NameEntry(d.Code, d.Name, d.NameEn)));
        _hazards = Index(list.Hazards.Select(h => new NameEntry(h.Code, h.Name, h.NameEn)));
        _levels = Index(list.LevelNames.Select(t => new NameEntry(t.Code, t.Name, t.NameEn)));
        _measures = Index(list.ResponseMeasureNames.Select(t => new NameEntry(t.Code, t.Name, t.NameEn)));
        _categories = Index(list.Reporting?.Categories.Select(c => new NameEntry(c.Code, c.Name, c.NameEn)) ?? []);
        _city = new NameEntry(Scopes.CityWide, list.City?.Name ?? "", list.City?.NameEn ?? "");
        MissingEnglish = ListValidator.NamedEntries(list).Where(e => e.NameEn.Trim().Length == 0).Select(e => $"{e.Kind} {e.Code}").ToList();
    }

    /// <summary>No names at all: every code stands for itself.</summary>
    public static ListNames Empty { get; } = new(new Contracts.V1.PublicationList());

    /// <summary>What needs an English name and has none ("district 310101", "level blue"...); empty for a fully named list.</summary>
    public IReadOnlyList<string> MissingEnglish { get; }

    public static ListNames From(Contracts.V1.PublicationList list) => new(list);

    /// <summary>True for a Chinese language tag (zh, zh-CN, zh-Hans...).</summary>
    public static bool IsChinese(string language) => language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="text"/> holds a Chinese character or Chinese/full-width punctuation.</summary>
    public static bool HasChinese(string text) => ChinesePattern().IsMatch(text);

    public string Department(string code, string language) => Pick(_departments, code, language, code);

    /// <summary>The hazard's name; without one, its code with spaces for underscores ("cold wave").</summary>
    public string Hazard(string code, string language) => Pick(_hazards, code, language, code.Replace('_', ' '));

    /// <summary>A district's name; 310000 is the city's.</summary>
    public string District(string code, string language) => code == Scopes.CityWide ? City(language) : Pick(_districts, code, language, code);

    /// <summary>The whole city's name; without one, "全市" or "the whole city".</summary>
    public string City(string language)
    {
        string name = IsChinese(language) ? _city.Name : _city.NameEn;
        return name.Trim().Length > 0 ? name : IsChinese(language) ? "全市" : "the whole city";
    }

    /// <summary>The level's name (蓝色 / Blue); "" for a level-less notice.</summary>
    public string Level(string code, string language) => code.Length == 0 ? "" : Pick(_levels, code, language, code);

    /// <summary>A response measure's name; without one, its code with spaces for underscores.</summary>
    public string Measure(string code, string language) => Pick(_measures, code, language, code.Replace('_', ' '));

    /// <summary>An incident category's name (火灾 / Fire); without one, its code with spaces for underscores.</summary>
    public string Category(string code, string language) => Pick(_categories, code, language, code.Replace('_', ' '));

    /// <summary>District names joined the language's way ("黄浦区、浦东新区" / "Huangpu, Pudong").</summary>
    public string Districts(IEnumerable<string> codes, string language) => Join(codes.Select(c => District(c, language)), language);

    /// <summary>Measure names joined the language's way.</summary>
    public string Measures(IEnumerable<string> codes, string language) => Join(codes.Select(c => Measure(c, language)), language);

    public static string Join(IEnumerable<string> names, string language) => string.Join(IsChinese(language) ? "、" : ", ", names);

    private static string Pick(Dictionary<string, NameEntry> names, string code, string language, string fallback)
    {
        if (!names.TryGetValue(code, out var entry))
        {
            return fallback;
        }

        string name = IsChinese(language) ? entry.Name : entry.NameEn;
        return name.Trim().Length > 0 ? name : fallback;
    }

    private static Dictionary<string, NameEntry> Index(IEnumerable<NameEntry> entries) =>
        entries.GroupBy(e => e.Code, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    // CJK ideographs (with extension A and the compatibility block), CJK punctuation, full-width
    // forms, and the surrogate pairs of the supplementary ideograph planes.
    [GeneratedRegex(@"[\u3000-\u303F\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]|[\uD840-\uD87F][\uDC00-\uDFFF]")]
    private static partial Regex ChinesePattern();
}

/// <summary>A code and its names in the two languages of the list.</summary>
public readonly record struct NameEntry(string Code, string Name, string NameEn);
