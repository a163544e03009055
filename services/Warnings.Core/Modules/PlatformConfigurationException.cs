namespace Warnings.Core.Modules;

/// <summary>A setting the host cannot start with. Reported as one line and exit code 2, never as a stack trace.</summary>
public sealed class PlatformConfigurationException(string message) : Exception(message);
