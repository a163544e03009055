namespace Warnings.PublicationList.Domain;

/// <summary>Stable reason codes of refusals about templates (an API, like the list's violation codes).</summary>
public static class TemplateReasons
{
    /// <summary>NOT_FOUND: no template with this id in the list version at hand.</summary>
    public const string NotFound = "TEMPLATE_NOT_FOUND";

    /// <summary>FAILED_PRECONDITION: the template is retired (no draft is made from it; it cannot be retired again).</summary>
    public const string Retired = "TEMPLATE_RETIRED";

    /// <summary>PERMISSION_DENIED: the template belongs to another department than the draft's.</summary>
    public const string OtherDepartment = "TEMPLATE_OTHER_DEPARTMENT";
}
