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

    /// <summary>Parses and validates CAP text; a document that is not XML gets one error.</summary>
    public static (XDocument? Document, IReadOnlyList<string> Errors) Parse(string xml)
    {
        try
        {
            var document = XDocument.Parse(xml, LoadOptions.SetLineInfo);
            return (document, Validate(document));
        }
        catch (XmlException e)
        {
            return (null, [$"not well-formed XML: {e.Message}"]);
        }
    }
}
