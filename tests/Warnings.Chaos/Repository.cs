namespace Warnings.Chaos;

/// <summary>Where the repository and the platform's build output are, from wherever the harness runs.</summary>
public static class Repository
{
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Warnings.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    /// <summary>The platform as built by <c>dotnet build services/Warnings.Platform -c {configuration}</c>.</summary>
    public static string PlatformDll(string configuration) =>
        Path.Combine(Root(), "services", "Warnings.Platform", "bin", configuration, "net10.0", "Warnings.Platform.dll");
}
