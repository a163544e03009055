namespace Warnings.PublicationList.Domain;

/// <summary>Stable codes of the checker's violations (an API, like IPAWS's rejection codes).</summary>
public static class ViolationCodes
{
    /// <summary>No grant on the list for this hazard at all.</summary>
    public const string NotOnList = "NOT_ON_LIST";

    /// <summary>The hazard is on the list, but not for this department.</summary>
    public const string DepartmentNotAuthorised = "DEPARTMENT_NOT_AUTHORISED";

    /// <summary>The department's grant is suspended, retired, or outside its effective window.</summary>
    public const string GrantNotInEffect = "GRANT_NOT_IN_EFFECT";

    public const string LevelNotAllowed = "LEVEL_NOT_ALLOWED";
    public const string AreaOutsideGrant = "AREA_OUTSIDE_GRANT";
    public const string ChannelNotAllowed = "CHANNEL_NOT_ALLOWED";
    public const string ValidityTooLong = "VALIDITY_TOO_LONG";
    public const string LanguageMissing = "LANGUAGE_MISSING";
    public const string FastTrackNotAllowed = "FAST_TRACK_NOT_ALLOWED";
    public const string SignOffMissing = "SIGN_OFF_MISSING";
}

/// <summary>One reason a candidate is not allowed: a stable code, the candidate field, and a sentence.</summary>
public readonly record struct ListViolation(string Code, string Field, string Message);
