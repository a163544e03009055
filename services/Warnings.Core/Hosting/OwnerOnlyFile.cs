namespace Warnings.Core.Hosting;

/// <summary>
/// Writes a file only its owner can read (development secrets: API keys, the CAP signing key),
/// owner-only from the first byte: created with mode 600 in a directory with mode 700, written to a
/// temporary name and moved into place, so a reader never sees half a file.
/// </summary>
public static class OwnerOnlyFile
{
    /// <summary>
    /// Writes <paramref name="path"/> with <paramref name="write"/>. Without <paramref name="overwrite"/>,
    /// a file another process put there first wins and this one's copy is dropped.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static void Write(string path, Action<Stream> write, bool overwrite)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        using (var file = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            write(file);
        }

        try
        {
            File.Move(temporary, path, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            File.Delete(temporary);
        }
    }
}
