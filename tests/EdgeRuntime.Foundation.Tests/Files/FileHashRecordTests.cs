using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Foundation.Tests.Files;

// Each record here is a fresh instance over one folder, as each edgert process is: what one keeps, the next reads.
// Settle is zero so that files written by the test are kept at once; the default's own rule has its test.
// The record trusts only owner-only folders and files: Unix file modes, so Linux only, as the service is.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FileHashRecordTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string Folder => Path.Combine(temp.Path, "file-hashes");

    private FileHashRecord Record(int max = FileHashRecord.MaxEntries) => new(Folder, TimeSpan.Zero, max);

    private string Write(string name, byte fill, int size = 4096)
    {
        var path = temp.File(name);
        File.WriteAllBytes(path, Enumerable.Repeat(fill, size).ToArray());
        return path;
    }

    private static string Expected(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    // Hashes with a new record (a new process) and returns the hash and how many files it had to read.
    private (string Hash, int Read) HashAnew(string path, int max = FileHashRecord.MaxEntries)
    {
        var record = Record(max);
        var hash = record.Sha256(path);
        record.Flush();
        return (hash, record.FilesRead);
    }

    [Fact]
    public void An_unchanged_file_is_answered_from_the_record_kept_by_an_earlier_process()
    {
        var file = Write("model.onnx", 1);
        Assert.Equal((Expected(file), 1), HashAnew(file));
        Assert.Equal((Expected(file), 0), HashAnew(file));
    }

    [Fact]
    public void A_file_edited_with_its_size_kept_and_its_modification_time_put_back_is_read_again()
    {
        var file = Write("model.onnx", 1);
        var first = HashAnew(file).Hash;
        var before = FileStamp.Of(file)!.Value;
        Thread.Sleep(50); // past the file system clock's tick, as any later edit is
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write))
        {
            stream.Write(Enumerable.Repeat((byte)2, 4096).ToArray()); // same inode, same size
        }

        var seconds = before.ModifiedNs / 1_000_000_000;
        var nanoseconds = before.ModifiedNs % 1_000_000_000;
        Run("touch", "-m", "-d", string.Create(CultureInfo.InvariantCulture, $"@{seconds}.{nanoseconds:D9}"), file);
        var after = FileStamp.Of(file)!.Value;
        Assert.Equal((before.Device, before.Inode, before.Size, before.ModifiedNs), (after.Device, after.Inode, after.Size, after.ModifiedNs));
        Assert.NotEqual(before.ChangedNs, after.ChangedNs);

        var (hash, read) = HashAnew(file);
        Assert.Equal(1, read);
        Assert.Equal(Expected(file), hash);
        Assert.NotEqual(first, hash);
    }

    [Fact]
    public void A_file_replaced_by_another_is_read_again()
    {
        var file = Write("model.onnx", 1);
        HashAnew(file);
        var other = Write("other", 3);
        File.Move(other, file, overwrite: true);
        Assert.Equal((Expected(file), 1), HashAnew(file));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a line changed")]
    [InlineData("cut short")]
    [InlineData("empty")]
    public void A_corrupt_record_is_ignored_and_every_file_is_read_again(string damage)
    {
        var file = Write("model.onnx", 1);
        HashAnew(file);
        var recordFile = Path.Combine(Folder, FileHashRecord.FileName);
        var text = File.ReadAllText(recordFile);
        File.WriteAllText(recordFile, damage switch
        {
            "garbage" => "\0\u00ff not a record",
            "a line changed" => text.Replace(Expected(file), new string('0', 64), StringComparison.Ordinal),
            "cut short" => text[..(text.Length / 2)],
            _ => string.Empty,
        });
        Assert.Equal((Expected(file), 1), HashAnew(file));
        Assert.Equal((Expected(file), 0), HashAnew(file)); // and it is written anew
    }

    [Fact]
    public void A_record_in_a_folder_other_users_can_write_is_neither_trusted_nor_written()
    {
        var file = Write("model.onnx", 1);
        HashAnew(file);
        File.SetUnixFileMode(Folder, (UnixFileMode)0x1ff); // rwxrwxrwx: anyone could have put the record there
        Assert.Equal((Expected(file), 1), HashAnew(file));
        var written = File.GetLastWriteTimeUtc(Path.Combine(Folder, FileHashRecord.FileName));
        Assert.Equal((Expected(file), 1), HashAnew(file));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(Folder, FileHashRecord.FileName)));
    }

    [Fact]
    public void A_record_file_other_users_can_write_is_not_trusted()
    {
        var file = Write("model.onnx", 1);
        HashAnew(file);
        File.SetUnixFileMode(Path.Combine(Folder, FileHashRecord.FileName), (UnixFileMode)0x1b6); // rw-rw-rw-
        Assert.Equal((Expected(file), 1), HashAnew(file));
    }

    [Fact]
    public void The_record_is_written_for_its_user_alone()
    {
        HashAnew(Write("model.onnx", 1));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Folder, FileHashRecord.FileName)));
    }

    [Fact]
    public void The_record_keeps_only_the_most_recently_used_files()
    {
        var files = Enumerable.Range(0, 5).Select(i => Write($"f{i}", (byte)i)).ToList();
        var record = Record(max: 3);
        foreach (var file in files)
        {
            record.Sha256(file);
        }

        record.Flush();
        var next = Record(max: 3);
        foreach (var file in files[2..])
        {
            Assert.Equal(Expected(file), next.Sha256(file));
        }

        Assert.Equal(0, next.FilesRead);
        next.Sha256(files[0]);
        next.Sha256(files[1]);
        Assert.Equal(2, next.FilesRead);
    }

    [Fact]
    public void No_record_is_made_where_the_state_folder_is_gone()
    {
        var file = Write("model.onnx", 1);
        var record = new FileHashRecord(Path.Combine(temp.Path, "removed", "file-hashes"), TimeSpan.Zero);
        Assert.Equal(Expected(file), record.Sha256(file));
        record.Flush();
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "removed")));
    }

    [Fact]
    public void A_file_changed_within_the_settle_time_is_not_kept()
    {
        var file = Write("model.onnx", 1);
        var record = new FileHashRecord(Folder); // the default: times must be 2 s old
        record.Sha256(file);
        record.Flush();
        var next = new FileHashRecord(Folder);
        Assert.Equal(Expected(file), next.Sha256(file));
        Assert.Equal(1, next.FilesRead);
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
