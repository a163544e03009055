namespace Warnings.Contracts.Events;

/// <summary>A warning's text in one language.</summary>
public sealed record WarningTextContent(string Language, string Headline, string Description, string Instruction);
