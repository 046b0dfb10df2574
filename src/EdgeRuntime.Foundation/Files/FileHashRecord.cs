using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeRuntime.Foundation.Files;

/// <summary>
/// A kept record of files already hashed, so that a model package's or a plugin's files are not read again at every
/// start: each hash is kept with the file's device, inode, size, modification and change time to the nanosecond
/// (<see cref="FileStamp"/>), and given back only while all five are what they were. The change time is the guard: no
/// user can set it, and writing a file sets it, so an edited file whose size is kept and whose modification time is put
/// back is read again.
/// <para>
/// The record lives in a folder of the service's own state (never in a package folder, which a plugin's author
/// controls), and is trusted only while that folder and the file are the service user's and writable by no one else;
/// otherwise it is neither read nor written, and every file is hashed. It is ignored (every file hashed) when it is
/// unreadable, corrupt (it ends with the SHA-256 of its own lines), or from another boot (device numbers are handed out
/// again at boot). A hash is kept only when the file did not change while it was read and its times are older than
/// <see cref="DefaultSettle"/>, since a file system stamps times at its clock's granularity, not to the nanosecond: a
/// file changed again within the same tick would otherwise keep its stamp. New hashes are written when the process
/// ends (or <see cref="Flush"/>), merged with what other processes wrote meanwhile; at most <see cref="MaxEntries"/>
/// files are kept, the most recently used; the file is replaced atomically.
/// </para>
/// </summary>
public sealed class FileHashRecord
{
    /// <summary>The record's file name in its folder.</summary>
    public const string FileName = "sha256.txt";

    /// <summary>How many files the record keeps at most (about 150 bytes each).</summary>
    public const int MaxEntries = 4096;

    /// <summary>How old a file's modification and change times must be for its hash to be kept.</summary>
    public static readonly TimeSpan DefaultSettle = TimeSpan.FromSeconds(2);

    private const string Header = "edgert file hashes 1";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static FileHashRecord? current;
    private static int flushAtExit;

    private readonly object gate = new();
    private readonly long settleNs;
    private readonly int maxEntries;
    private Dictionary<(ulong Device, ulong Inode), Entry>? entries;
    private string? boot;
    private bool usable;
    private bool dirty;
    private long uses;
    private int filesRead;

    /// <summary>A record kept in <paramref name="folder"/> (made, readable by this user only, at the first hash kept).</summary>
    public FileHashRecord(string folder)
        : this(folder, DefaultSettle)
    {
    }

    internal FileHashRecord(string folder, TimeSpan settle, int maxEntries = MaxEntries)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.GetFullPath(folder);
        settleNs = settle.Ticks * 100;
        this.maxEntries = maxEntries;
    }

    /// <summary>The record every <see cref="FileHash.Sha256(string)"/> in this process consults, if one is in use.</summary>
    public static FileHashRecord? Current => Volatile.Read(ref current);

    /// <summary>The folder the record is kept in.</summary>
    public string Folder { get; }

    /// <summary>How many files this record has read (not answered from the record): what tests count.</summary>
    internal int FilesRead => Volatile.Read(ref filesRead);

    /// <summary>
    /// Makes <see cref="FileHash.Sha256(string)"/> consult a record kept in <paramref name="folder"/> (null: none); what
    /// it learns is written when the process ends.
    /// </summary>
    public static void Use(string? folder)
    {
        var record = folder is null ? null : new FileHashRecord(folder);
        if (Interlocked.Exchange(ref current, record) is { } previous)
        {
            previous.Flush();
        }

        if (Interlocked.Exchange(ref flushAtExit, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Current?.Flush();
        }
    }

    /// <summary>Writes the hashes kept since the last write, if any, merged with the record as it is on disk now.</summary>
    public void Flush()
    {
        lock (gate)
        {
            if (!dirty || !usable)
            {
                return;
            }

            dirty = false;
            try
            {
                Save();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                usable = false; // cannot be kept here (a read-only state folder): hash as before
            }
        }
    }

    /// <summary>The SHA-256 of the file at <paramref name="path"/> (links followed), from the record while the file is unchanged.</summary>
    public string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20);
        return Sha256(stream);
    }

    /// <summary>The SHA-256 of the open file <paramref name="stream"/>, read from its start, or from the record.</summary>
    internal string Sha256(FileStream stream)
    {
        if (OperatingSystem.IsWindows())
        {
            return FileHash.Compute(stream); // statx is Linux's
        }

        // The stamp is the open file's, so a file swapped in at the path after the open is not what is looked up.
        var before = FileStamp.Of(stream.SafeFileHandle);
        if (before is { IsRegular: true } known && Lookup(known) is { } kept)
        {
            return kept;
        }

        var startedNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        var hash = FileHash.Compute(stream);
        Interlocked.Increment(ref filesRead);
        if (before is { IsRegular: true } stamp && FileStamp.Of(stream.SafeFileHandle) == stamp
            && startedNs - stamp.ChangedNs >= settleNs && startedNs - stamp.ModifiedNs >= settleNs)
        {
            Keep(stamp, hash);
        }

        return hash;
    }

    private string? Lookup(FileStamp stamp)
    {
        lock (gate)
        {
            Load();
            if (!usable || !entries!.TryGetValue((stamp.Device, stamp.Inode), out var entry)
                || entry.Size != stamp.Size || entry.ModifiedNs != stamp.ModifiedNs || entry.ChangedNs != stamp.ChangedNs)
            {
                return null;
            }

            entries[(stamp.Device, stamp.Inode)] = entry with { Used = ++uses };
            return entry.Sha256;
        }
    }

    private void Keep(FileStamp stamp, string hash)
    {
        lock (gate)
        {
            Load();
            if (!usable)
            {
                return;
            }

            entries![(stamp.Device, stamp.Inode)] = new Entry(stamp.Size, stamp.ModifiedNs, stamp.ChangedNs, hash, ++uses);
            dirty = true;
        }
    }

    private void Load()
    {
        if (entries is not null)
        {
            return;
        }

        entries = [];
        boot = BootId();
        usable = boot is not null && FolderTrusted(create: false) != false;
        if (usable)
        {
            entries = Read() ?? [];
        }
    }

    /// <summary>The record on disk, or null where there is none to trust (missing, another user's, unreadable, corrupt).</summary>
    private Dictionary<(ulong Device, ulong Inode), Entry>? Read()
    {
        try
        {
            var file = Path.Combine(Folder, FileName);
            if (FileStamp.Of(file) is null)
            {
                return null;
            }

            using var stream = FileNode.OpenRegular(file);
            if (FileStamp.Of(stream.SafeFileHandle) is not { } stamp || stamp.Owner != FileStamp.EffectiveUser || stamp.WritableByOthers
                || stream.Length > MaxEntries * 200L)
            {
                return null;
            }

            using var reader = new StreamReader(stream, Encoding.UTF8);
            return Parse(reader.ReadToEnd());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // unreadable: started afresh, and replaced at the next write
        }
    }

    // Every line or none: a record cut short, edited or from another boot is dropped whole.
    private Dictionary<(ulong Device, ulong Inode), Entry>? Parse(string text)
    {
        var lines = text.Split('\n');
        if (lines.Length < 4 || lines[0] != Header || lines[1] != "boot " + boot || lines[^1].Length != 0
            || !lines[^2].StartsWith("end ", StringComparison.Ordinal)
            || lines[^2][4..] != Checksum(text[..(text.Length - lines[^2].Length - 1)]))
        {
            return null;
        }

        var parsed = new Dictionary<(ulong Device, ulong Inode), Entry>();
        for (var i = 2; i < lines.Length - 2; i++)
        {
            var f = lines[i].Split(' ');
            if (f.Length != 6 || f[5].Length != 64 || !f[5].All(char.IsAsciiHexDigitLower)
                || !ulong.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var device)
                || !ulong.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
                || !long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                || !long.TryParse(f[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var modified)
                || !long.TryParse(f[4], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var changed))
            {
                return null;
            }

            // The first line is the most recently used; all of them before any this process used.
            parsed[(device, inode)] = new Entry(size, modified, changed, f[5], -i);
        }

        return parsed;
    }

    private void Save()
    {
        if (FolderTrusted(create: true) != true)
        {
            usable = false;
            return;
        }

        // What another process wrote since this one read is kept, below what this one used.
        foreach (var (key, entry) in Read() ?? [])
        {
            entries!.TryAdd(key, entry);
        }

        var text = new StringBuilder().Append(Header).Append('\n').Append("boot ").Append(boot).Append('\n');
        foreach (var ((device, inode), e) in entries!.OrderByDescending(e => e.Value.Used).Take(maxEntries))
        {
            text.Append(CultureInfo.InvariantCulture, $"{device} {inode} {e.Size} {e.ModifiedNs} {e.ChangedNs} {e.Sha256}\n");
        }

        var body = text.ToString();
        var whole = body + "end " + Checksum(body) + "\n";
        AtomicFile.Write(Path.Combine(Folder, FileName), stream =>
        {
            if (!OperatingSystem.IsWindows() && stream is FileStream file)
            {
                File.SetUnixFileMode(file.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            stream.Write(Encoding.UTF8.GetBytes(whole));
        });
    }

    /// <summary>
    /// True when the folder is a folder of this user's that no one else may write; false when it is anything else
    /// (another user's, writable by others, a link): a record there could be put by someone else. Null: not there.
    /// </summary>
    private bool? FolderTrusted(bool create)
    {
        var stamp = FileStamp.Of(Folder);
        // Only below a state folder that exists: a record whose folder was removed (a finished test's) is not made again.
        if (stamp is null && create && !OperatingSystem.IsWindows() && Directory.Exists(Path.GetDirectoryName(Folder)))
        {
            try
            {
                Directory.CreateDirectory(Folder, OwnerOnly);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }

            stamp = FileStamp.Of(Folder);
        }

        return stamp is { } s ? s.IsDirectory && s.Owner == FileStamp.EffectiveUser && !s.WritableByOthers : null;
    }

    private static string? BootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim() is { Length: > 0 } id && !id.Contains(' ', StringComparison.Ordinal) ? id : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Checksum(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private readonly record struct Entry(long Size, long ModifiedNs, long ChangedNs, string Sha256, long Used);
}
