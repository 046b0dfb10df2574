using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Abstractions.Tiles;

namespace EdgeRuntime.Tasks.RetrievalIndex;

/// <summary>
/// The retrieval index plugin: the <c>retrieval-index</c> task, the index it feeds (a service between slides), and
/// its requests: <c>search</c> (read-only callers may search) by text, by a vector with its model, or by a region of
/// an indexed slide; <c>stats</c>; and <c>delete</c> (admins only) of a slide's tiles.
/// </summary>
public sealed class RetrievalIndexModule : ITaskModule
{
    /// <inheritdoc />
    public int ContractMajorVersion => ContractVersion.Major;

    /// <inheritdoc />
    public void Register(ITaskRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        const string task = RetrievalIndexTask.TaskName;
        var indexes = new TileIndexes(registrar.StateDirectory(task), RetrievalSettings.From(registrar.Settings(task)));
        registrar.AddService(indexes);
        registrar.AddTask(new RetrievalIndexTask(indexes));
        var queries = registrar.QueryEncoder;
        registrar.AddRequestHandler(task, "search", CallerRole.ReadOnly, (request, cancellationToken) => SearchAsync(indexes, queries, request.Body, cancellationToken));
        registrar.AddRequestHandler(task, "stats", CallerRole.ReadOnly, (_, _) => ValueTask.FromResult(Stats(indexes)));
        registrar.AddRequestHandler(task, "delete", CallerRole.Admin, (request, _) => ValueTask.FromResult(Delete(indexes, request.Body)));
    }

    private static async ValueTask<JsonObject> SearchAsync(TileIndexes indexes, IQueryEncoder queries, JsonObject body, CancellationToken cancellationToken)
    {
        var top = body["top"] is { } t ? (int)Math.Min(int.MaxValue, Whole(t, "top")) : indexes.Settings.DefaultTop;
        if (top < 1 || top > indexes.Settings.MaxTop)
        {
            throw new RequestRefusedException($"payload: field 'top' must be 1 to {indexes.Settings.MaxTop} (is {top}).");
        }

        var exact = body["exact"]?.GetValue<bool>() ?? false;
        ModelIdentity model;
        float[] query;
        string by;
        if (body["text"] is { } text)
        {
            var words = text.GetValue<string>();
            if (string.IsNullOrWhiteSpace(words))
            {
                throw new RequestRefusedException("payload: field 'text' is empty.");
            }

            var encoded = await queries.EncodeTextAsync(words, cancellationToken).ConfigureAwait(false);
            (model, query, by) = (encoded.Model, ModelTileIndex.Normalised(encoded.Vector), "text");
        }
        else if (body["vector"] is JsonArray vector)
        {
            model = ModelOf(body) ?? throw new RequestRefusedException("payload: a 'vector' needs 'model' {id, version}: embeddings of different models are never compared.");
            query = vector.Select(v => v?.GetValue<float>() ?? float.NaN).ToArray();
            if (query.Any(v => !float.IsFinite(v)) || query.All(v => v == 0))
            {
                throw new RequestRefusedException("payload: field 'vector' must be finite numbers, not all zero.");
            }

            query = ModelTileIndex.Normalised(query);
            by = "vector";
        }
        else if (body["slide"] is { } slideNode)
        {
            var slide = slideNode.GetValue<string>();
            model = ModelOf(body) ?? queries.Model ?? indexes.Models().SingleOrDefault()
                ?? throw new RequestRefusedException("payload: name the 'model' {id, version} whose index to search (several are indexed).");
            var box = BoxOf(body);
            query = indexes.For(model).RegionVector(slide, box)
                ?? throw new RequestRefusedException($"payload: slide '{slide}' has no indexed tile in box [{box.X}, {box.Y}, {box.Width}, {box.Height}] for model {model.Id} {model.Version}.");
            by = "region";
        }
        else
        {
            throw new RequestRefusedException("payload: give 'text', a 'vector' with its 'model', or a 'slide' with a 'box' [x, y, width, height].");
        }

        var index = indexes.For(model);
        if (index.Tiles > 0 && index.Dimension != query.Length)
        {
            throw new RequestRefusedException($"payload: the query has {query.Length} values; model {model.Id} {model.Version} embeds {index.Dimension}.");
        }

        var (hits, method) = index.Search(query, top, exact);
        return new JsonObject
        {
            ["model"] = new JsonObject { ["id"] = model.Id, ["version"] = model.Version },
            ["by"] = by,
            ["method"] = method,
            ["tilesSearched"] = index.Tiles,
            ["hits"] = new JsonArray(hits.Select(h => (JsonNode)new JsonObject
            {
                ["slideId"] = h.SlideId,
                ["tileIndex"] = h.TileIndex,
                ["box"] = new JsonArray(h.Box.X, h.Box.Y, h.Box.Width, h.Box.Height),
                ["score"] = Math.Round(h.Score, 6),
            }).ToArray()),
        };
    }

    private static JsonObject Stats(TileIndexes indexes)
    {
        var models = new JsonArray();
        foreach (var m in indexes.Models())
        {
            var index = indexes.For(m);
            var tiles = index.Tiles;
            var bytes = index.BytesOnDisk;
            models.Add(new JsonObject
            {
                ["id"] = m.Id,
                ["version"] = m.Version,
                ["slides"] = index.Slides,
                ["tiles"] = tiles,
                ["dimension"] = index.Dimension,
                ["bytesOnDisk"] = bytes,
                ["bytesPer10kTiles"] = tiles == 0 ? 0 : bytes * 10_000 / tiles,
            });
        }

        return new JsonObject { ["models"] = models, ["approximateAbove"] = indexes.Settings.ApproximateAbove };
    }

    private static JsonObject Delete(TileIndexes indexes, JsonObject body)
    {
        var slide = body["slide"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(slide))
        {
            throw new RequestRefusedException("payload: field 'slide' (the slide id) is missing.");
        }

        var removed = new JsonArray();
        foreach (var m in indexes.Models())
        {
            if (indexes.For(m).Remove(slide))
            {
                removed.Add(new JsonObject { ["id"] = m.Id, ["version"] = m.Version });
            }
        }

        return new JsonObject { ["slide"] = slide, ["removedFrom"] = removed };
    }

    private static ModelIdentity? ModelOf(JsonObject body) =>
        body["model"] is JsonObject m && m["id"]?.GetValue<string>() is { } id && m["version"]?.GetValue<string>() is { } version
            ? new ModelIdentity(id, version, string.Empty)
            : null;

    private static TileBox BoxOf(JsonObject body)
    {
        if (body["box"] is not JsonArray { Count: 4 } box)
        {
            throw new RequestRefusedException("payload: field 'box' must be [x, y, width, height] in level-0 pixels.");
        }

        var v = box.Select((n, i) => Whole(n, $"box[{i}]")).ToArray();
        return v[2] > 0 && v[3] > 0 ? new TileBox(v[0], v[1], v[2], v[3]) : throw new RequestRefusedException("payload: 'box' width and height must be positive.");
    }

    // Read from the node's JSON text: a body parsed from MQTT and one built in process hold numbers differently.
    private static long Whole(JsonNode? node, string field) =>
        node is JsonValue && long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new RequestRefusedException($"payload: field '{field}' must be a whole number.");
}
