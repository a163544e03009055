using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace Warnings.Issuing.Cap;

/// <summary>The OASIS CAP 1.2 schema, embedded in this assembly, and validation against it.</summary>
public static class CapSchema
{
    private static readonly Lazy<XmlSchemaSet> Schemas = new(() =>
    {
        using var stream = typeof(CapSchema).Assembly.GetManifestResourceStream("CAP-v1.2.xsd")
            ?? throw new InvalidOperationException("The CAP 1.2 schema is not embedded.");
        var set = new XmlSchemaSet();
        set.Add(XmlSchema.Read(stream, null)!);
        set.Compile();
        return set;
    });

    /// <summary>Every schema error in <paramref name="document"/> (none when it is valid CAP 1.2).</summary>
    public static IReadOnlyList<string> Validate(XDocument document)
    {
        var errors = new List<string>();
        document.Validate(Schemas.Value, (_, e) => errors.Add($"line {e.Exception?.LineNumber}: {e.Message}"), addSchemaInfo: false);
        return errors;
    }

    /// <summary>What <see cref="Parse"/> says about a document that carries a DTD.</summary>
    public const string DtdRefused = "a DTD (<!DOCTYPE ...>) is not allowed: CAP 1.2 needs none, and entity expansion is refused";

    // No DTDs (entity expansion: "billion laughs"), no resolver (nothing fetched from files or the
    // network), and a cap on what a document may expand to even so.
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
    };

    /// <summary>
    /// Parses and validates CAP text; a document that is not XML gets one error, and so does one
    /// with a DTD (<see cref="DtdRefused"/>; <c>IsDtd</c> is then true).
    /// </summary>
    public static (XDocument? Document, IReadOnlyList<string> Errors) Parse(string xml) => Parse(xml, out _);

    public static (XDocument? Document, IReadOnlyList<string> Errors) Parse(string xml, out bool isDtd)
    {
        isDtd = false;
        try
        {
            if (TooDeep(xml))
            {
                return (null, [$"elements nested deeper than {MaxDepth} levels: CAP 1.2 needs fewer than 6"]);
            }

            using var reader = XmlReader.Create(new StringReader(xml), ReaderSettings);
            var document = XDocument.Load(reader, LoadOptions.SetLineInfo);
            return (document, Validate(document));
        }
        catch (XmlException) when (HasDtd(xml))
        {
            isDtd = true;
            return (null, [DtdRefused]);
        }
        catch (XmlException e)
        {
            return (null, [$"not well-formed XML: {e.Message}"]);
        }
    }

    /// <summary>Deepest element nesting read: tree building and schema validation recurse per level.</summary>
    public const int MaxDepth = 32;

    // One streaming pass before the tree is built: 100,000 nested elements would otherwise take the
    // validator's recursion seconds and, on a small stack, the process.
    private static bool TooDeep(string xml)
    {
        using var reader = XmlReader.Create(new StringReader(xml), ReaderSettings);
        while (reader.Read())
        {
            if (reader.Depth > MaxDepth)
            {
                return true;
            }
        }

        return false;
    }

    // The reader refuses a DTD with an XmlException; this tells that refusal from other malformations.
    private static bool HasDtd(string xml) => xml.Contains("<!DOCTYPE", StringComparison.OrdinalIgnoreCase);
}
