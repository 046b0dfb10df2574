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
    // The widest vector a query may carry: wider than any image encoder's embedding.
    private const int MaxDimension = 8192;

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
        // Every field is read with its name and bounds before any work; the text is cut by the tokenizer, which
        // reads a bounded prefix of it; ids are at most 255 bytes; the vector at most MaxDimension numbers.
        var top = RequestFields.Whole(body, "top", 1, indexes.Settings.MaxTop, indexes.Settings.DefaultTop);
        var exact = RequestFields.Flag(body, "exact", false);
        var text = body["text"] is null ? null : RequestFields.RequiredText(body, "text", int.MaxValue);
        var vector = RequestFields.OptionalArray(body, "vector", MaxDimension);
        var slide = RequestFields.OptionalId(body, "slide");
        if ((text is null ? 0 : 1) + (vector is null ? 0 : 1) + (slide is null ? 0 : 1) != 1)
        {
            throw new RequestRefusedException("payload: give one of 'text', a 'vector' with its 'model', or a 'slide' with a 'box' [x, y, width, height].");
        }

        var named = ModelOf(body);
        ModelIdentity model;
        float[] query;
        string by;
        RegionQuery? region = null;
        if (text is not null)
        {
            var encoded = await queries.EncodeTextAsync(text, cancellationToken).ConfigureAwait(false);
            (model, query, by) = (encoded.Model, ModelTileIndex.Normalised(encoded.Vector), "text");
        }
        else if (vector is not null)
        {
            model = named ?? throw new RequestRefusedException("payload: a 'vector' needs 'model' {id, version}: embeddings of different models are never compared.");
            query = vector.Select((v, i) => RequestFields.Number(v, $"vector[{i}]")).ToArray();
            if (query.All(v => v == 0))
            {
                throw new RequestRefusedException("payload: field 'vector' must not be all zero.");
            }

            query = ModelTileIndex.Normalised(query);
            by = "vector";
        }
        else
        {
            var box = BoxOf(body);
            model = named ?? queries.Model ?? indexes.Models().SingleOrDefault()
                ?? throw new RequestRefusedException("payload: name the 'model' {id, version} whose index to search (several are indexed).");
            region = Index(indexes, queries, model).RegionVector(slide!, box, cancellationToken)
                ?? throw new RequestRefusedException($"payload: slide {RequestFields.Quote(slide!)} has no indexed tile in box [{box.X}, {box.Y}, {box.Width}, {box.Height}] for model {model.Id} {model.Version}.");
            (query, by) = (region.Vector, "region");
        }

        var index = Index(indexes, queries, model);
        if (index.Tiles > 0 && index.Dimension != query.Length)
        {
            throw new RequestRefusedException($"payload: the query has {query.Length} values; model {model.Id} {model.Version} embeds {index.Dimension}.");
        }

        var (hits, method) = index.Search(query, top, exact, region, cancellationToken);
        var answer = new JsonObject
        {
            ["model"] = new JsonObject { ["id"] = model.Id, ["version"] = model.Version },
            ["by"] = by,
            ["method"] = method,
            ["tilesSearched"] = index.Tiles,
            ["indexFolder"] = indexes.RelativeFolderOf(model),
            ["hits"] = new JsonArray(hits.Select(h => (JsonNode)new JsonObject
            {
                ["slideId"] = h.SlideId,
                ["fileName"] = h.FileName,
                ["tileIndex"] = h.TileIndex,
                ["box"] = new JsonArray(h.Box.X, h.Box.Y, h.Box.Width, h.Box.Height),
                ["score"] = Math.Round(h.Score, 6),
            }).ToArray()),
        };
        if (region is not null)
        {
            answer["leftOut"] = new JsonObject
            {
                ["slideId"] = region.SlideId,
                ["tiles"] = region.Rows.Count,
                ["why"] = "the query region's own tiles: each would be found first, by itself",
            };
        }

        if (index.Tiles == 0)
        {
            answer["empty"] = $"nothing has been indexed yet for model {model.Id} {model.Version} (index folder {answer["indexFolder"]} in the node's task state folder): slides are indexed as the retrieval-index task processes them.";
        }

        return answer;
    }

    // Only the model ids this node has an index for (or the active model's) are opened: never one per id a caller sends.
    private static ModelTileIndex Index(TileIndexes indexes, IQueryEncoder queries, ModelIdentity model) =>
        indexes.Find(model, queries.Model) ?? throw new RequestRefusedException(
            $"payload: model {RequestFields.Quote(model.Id)} {RequestFields.Quote(model.Version)} has no index on this node (indexed: {Indexed(indexes)}).");

    private static string Indexed(TileIndexes indexes) =>
        indexes.Models() is { Count: > 0 } models ? string.Join(", ", models.Select(m => $"{m.Id} {m.Version}")) : "none yet";

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
        var slide = RequestFields.RequiredId(body, "slide");

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

    private static ModelIdentity? ModelOf(JsonObject body)
    {
        if (RequestFields.OptionalObject(body, "model") is not { } m)
        {
            return null;
        }

        var model = new ModelIdentity(RequestFields.RequiredId(m, "model.id"), RequestFields.RequiredId(m, "model.version"), string.Empty);
        if (!IsFolderName(model.Id) || !IsFolderName(model.Version))
        {
            throw new RequestRefusedException($"payload: field 'model' ({RequestFields.Quote(model.Id)} {RequestFields.Quote(model.Version)}) must be a model id and version as they name folders.");
        }

        return model;
    }

    private static bool IsFolderName(string name) => name is not ("." or "..") && name.IndexOfAny(['/', '\\']) < 0;

    private static TileBox BoxOf(JsonObject body)
    {
        if (RequestFields.OptionalArray(body, "box", 4) is not { Count: 4 } box)
        {
            throw new RequestRefusedException("payload: field 'box' must be [x, y, width, height] in level-0 pixels.");
        }

        var v = box.Select((n, i) => RequestFields.Whole(n, $"box[{i}]", i < 2 ? 0 : 1, int.MaxValue)).ToArray();
        return new TileBox(v[0], v[1], v[2], v[3]);
    }
}
