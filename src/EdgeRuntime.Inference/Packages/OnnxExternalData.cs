namespace EdgeRuntime.Inference.Packages;

/// <summary>
/// The external-data files an ONNX graph references (tensors whose data_location is EXTERNAL), read from the graph's
/// protobuf without loading it: ONNX Runtime opens such files relative to the graph, so a package's hashes and its
/// folder only protect it if every one of them is listed and lies inside. Walks the graph, its nodes' attribute
/// tensors and subgraphs, sparse initializers and functions; tensor data is skipped, not read.
/// </summary>
internal static class OnnxExternalData
{
    // Field numbers from onnx.proto3.
    private const int ModelGraph = 7, ModelFunctions = 25;
    private const int GraphNode = 1, GraphInitializer = 5, GraphSparseInitializer = 15;
    private const int NodeAttribute = 5, FunctionNode = 3;
    private const int AttributeTensor = 5, AttributeGraph = 6, AttributeTensors = 10, AttributeGraphs = 11, AttributeSparseTensor = 22, AttributeSparseTensors = 23;
    private const int SparseValues = 1, SparseIndices = 2;
    private const int TensorName = 8, TensorExternalData = 13, TensorDataLocation = 14;
    private const int EntryKey = 1, EntryValue = 2;
    private const int MaxDepth = 64;

    private enum Message { Model, Graph, Node, Function, Attribute, Sparse, Tensor }

    /// <summary>Each external tensor's name and its <c>location</c> as written in the graph.</summary>
    /// <exception cref="InvalidDataException">The file is not a readable ONNX protobuf.</exception>
    public static IReadOnlyList<(string Tensor, string Location)> Read(string onnxPath)
    {
        using var stream = new FileStream(onnxPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var found = new List<(string, string)>();
        Walk(stream, stream.Length, Message.Model, found, 0);
        return found;
    }

    /// <summary>Problems with the external data of <paramref name="file"/> (package-relative) in <paramref name="packageDirectory"/>.</summary>
    public static IEnumerable<string> Check(string packageDirectory, string file, IReadOnlyDictionary<string, string> listed)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(packageDirectory)) + Path.DirectorySeparatorChar;
        var graph = Path.GetFullPath(Path.Combine(root, file));
        IReadOnlyList<(string Tensor, string Location)> references;
        try
        {
            references = Read(graph);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            return [$"{file}: not a readable ONNX graph ({e.Message})."];
        }

        var problems = new List<string>();
        foreach (var location in references.Select(r => r.Location).Distinct(StringComparer.Ordinal))
        {
            var tensor = references.First(r => r.Location == location).Tensor;
            var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(graph)!, location));
            if (Path.IsPathRooted(location) || !full.StartsWith(root, StringComparison.Ordinal))
            {
                problems.Add($"{file}: tensor '{tensor}' keeps its data in '{location}', outside the package folder; refused.");
                continue;
            }

            var relative = Path.GetRelativePath(root, full).Replace(Path.DirectorySeparatorChar, '/');
            if (!listed.ContainsKey(relative))
            {
                problems.Add($"{file}: external data file '{relative}' (tensor '{tensor}') has no SHA-256 in model.json 'files'.");
            }
        }

        return problems;
    }

    private static void Walk(Stream s, long end, Message message, List<(string, string)> found, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidDataException("nested deeper than any ONNX graph");
        }

        string? name = null, location = null;
        var external = false;
        while (s.Position < end)
        {
            var key = ReadVarint(s);
            var field = (int)(key >> 3);
            var wire = (int)(key & 7);
            switch (wire)
            {
                case 0:
                    var value = ReadVarint(s);
                    if (message == Message.Tensor && field == TensorDataLocation)
                    {
                        external = value == 1;
                    }

                    break;
                case 1:
                    Skip(s, 8, end);
                    break;
                case 5:
                    Skip(s, 4, end);
                    break;
                case 2:
                    var length = (long)ReadVarint(s);
                    if (length < 0 || s.Position + length > end)
                    {
                        throw new InvalidDataException("a field runs past the end of its message");
                    }

                    var fieldEnd = s.Position + length;
                    if (Child(message, field) is { } child)
                    {
                        Walk(s, fieldEnd, child, found, depth + 1);
                    }
                    else if (message == Message.Tensor && field == TensorName)
                    {
                        name = ReadString(s, length);
                    }
                    else if (message == Message.Tensor && field == TensorExternalData)
                    {
                        var (k, v) = ReadEntry(s, fieldEnd);
                        if (k == "location")
                        {
                            location = v;
                        }
                    }

                    s.Position = fieldEnd;
                    break;
                default:
                    throw new InvalidDataException($"wire type {wire} is not protobuf's");
            }
        }

        if (external)
        {
            found.Add((name ?? "(unnamed)", location ?? ""));
        }
    }

    private static Message? Child(Message message, int field) => (message, field) switch
    {
        (Message.Model, ModelGraph) => Message.Graph,
        (Message.Model, ModelFunctions) => Message.Function,
        (Message.Graph, GraphNode) => Message.Node,
        (Message.Graph, GraphInitializer) => Message.Tensor,
        (Message.Graph, GraphSparseInitializer) => Message.Sparse,
        (Message.Function, FunctionNode) => Message.Node,
        (Message.Node, NodeAttribute) => Message.Attribute,
        (Message.Attribute, AttributeTensor or AttributeTensors) => Message.Tensor,
        (Message.Attribute, AttributeGraph or AttributeGraphs) => Message.Graph,
        (Message.Attribute, AttributeSparseTensor or AttributeSparseTensors) => Message.Sparse,
        (Message.Sparse, SparseValues or SparseIndices) => Message.Tensor,
        _ => null,
    };

    private static (string? Key, string? Value) ReadEntry(Stream s, long end)
    {
        string? k = null, v = null;
        while (s.Position < end)
        {
            var key = ReadVarint(s);
            if ((key & 7) != 2)
            {
                throw new InvalidDataException("external_data entry is not two strings");
            }

            var length = (long)ReadVarint(s);
            if (s.Position + length > end)
            {
                throw new InvalidDataException("external_data entry runs past its end");
            }

            var text = ReadString(s, length);
            if ((int)(key >> 3) == EntryKey)
            {
                k = text;
            }
            else if ((int)(key >> 3) == EntryValue)
            {
                v = text;
            }
        }

        return (k, v);
    }

    private static string ReadString(Stream s, long length)
    {
        if (length > 1 << 20)
        {
            throw new InvalidDataException("a name longer than 1 MiB");
        }

        var bytes = new byte[length];
        s.ReadExactly(bytes);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    private static void Skip(Stream s, long count, long end)
    {
        if (s.Position + count > end)
        {
            throw new InvalidDataException("a field runs past the end of its message");
        }

        s.Position += count;
    }

    private static ulong ReadVarint(Stream s)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = s.ReadByte();
            if (b < 0)
            {
                throw new EndOfStreamException("the file ends inside a field");
            }

            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("a varint longer than 10 bytes");
    }
}
