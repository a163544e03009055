namespace Warnings.Issuing.Domain;

/// <summary>Stable reason codes of the warning life cycle.</summary>
public static class IssuingReasons
{
    /// <summary>FAILED_PRECONDITION: the publication list refuses; PreconditionFailure lists every violation.</summary>
    public const string ListCheckFailed = "LIST_CHECK_FAILED";

    /// <summary>FAILED_PRECONDITION: the warning is not in a state this step applies to.</summary>
    public const string WrongState = "WARNING_STATE";

    /// <summary>PERMISSION_DENIED: the maker may not review or sign off their own warning.</summary>
    public const string FourEyes = "FOUR_EYES";

    /// <summary>PERMISSION_DENIED: the level needs a leader's sign-off, and the caller is not an approver.</summary>
    public const string LeaderRequired = "LEADER_REQUIRED";

    /// <summary>PERMISSION_DENIED: only an approver of the municipal approving department approves network-wide SMS.</summary>
    public const string MunicipalApproverRequired = "MUNICIPAL_APPROVER_REQUIRED";

    /// <summary>NOT_FOUND: no such warning.</summary>
    public const string WarningNotFound = "WARNING_NOT_FOUND";
}
