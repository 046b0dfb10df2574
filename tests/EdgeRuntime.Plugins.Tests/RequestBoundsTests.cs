using System.Text;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Plugins.Requests;
using EdgeRuntime.Plugins.Tasks;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Runtime.Swapping;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>
/// Every request is bounded and every field read with its name (issue 22 §3): the body reader every transport uses,
/// the retrieval index's search (the shipped plugin, loaded as the service loads it), and the host's plugin requests.
/// </summary>
public sealed class RequestBoundsTests : IDisposable
{
    private const string Search = "tasks/retrieval-index/search";

    private readonly TempDirectory temp = new();
    private TaskProvider? tasks;

    public RequestBoundsTests() => BuiltInPlugins.InstallInto(temp.File("plugins"));

    public void Dispose()
    {
        tasks?.Dispose();
        temp.Dispose();
    }

    [Theory]
    [InlineData("{\"exact\": \"yes\", \"text\": \"grass\"}", "payload: field 'exact' must be true or false (is text, 'yes').")]
    [InlineData("{\"text\": 123}", "payload: field 'text' must be text (is a number, '123').")]
    [InlineData("{\"top\": 1000000000000, \"text\": \"grass\"}", "payload: field 'top' must be a whole number from 1 to 1000 (is 1000000000000).")]
    [InlineData("{\"top\": 1e12, \"text\": \"grass\"}", "payload: field 'top' must be a whole number from 1 to 1000 (is '1e12').")]
    [InlineData("{\"top\": 2.5, \"text\": \"grass\"}", "payload: field 'top' must be a whole number from 1 to 1000 (is '2.5').")]
    [InlineData("{\"top\": \"5\", \"text\": \"grass\"}", "payload: field 'top' must be a whole number from 1 to 1000 (is text, '5').")]
    [InlineData("{\"slide\": [\"a\"], \"box\": [0, 0, 1, 1]}", "payload: field 'slide' must be an id (text) (is an array).")]
    [InlineData("{\"slide\": \"a\", \"box\": [0, 0, \"wide\", 1]}", "payload: field 'box[2]' must be a whole number from 1 to 2147483647 (is text, 'wide').")]
    [InlineData("{\"vector\": [1, \"x\"], \"model\": {\"id\": \"m\", \"version\": \"1\"}}", "payload: field 'vector[1]' must be a finite number (is text, 'x').")]
    [InlineData("{\"vector\": [1, 2], \"model\": {\"id\": 7, \"version\": \"1\"}}", "payload: field 'model.id' must be an id (text) (is a number, '7').")]
    [InlineData("{\"vector\": [1, 2], \"model\": \"m\"}", "payload: field 'model' must be an object (is text, 'm').")]
    [InlineData("{\"text\": \"grass\", \"slide\": \"a\"}", "payload: give one of 'text', a 'vector' with its 'model', or a 'slide' with a 'box' [x, y, width, height].")]
    public async Task A_search_field_of_the_wrong_kind_is_refused_naming_the_field_and_the_kind_in_words(string body, string reason)
    {
        var answer = await AskAsync(Search, body);

        Assert.False(answer["ok"]!.GetValue<bool>());
        Assert.Equal(reason, answer["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_search_naming_a_model_the_node_has_no_index_for_is_refused_and_opens_nothing()
    {
        // What grew the service by 1.5 GB: a new model id per search, each kept open for ever.
        var state = temp.File("state/tasks/retrieval-index");
        for (var i = 0; i < 20; i++)
        {
            var answer = await AskAsync(Search, new JsonObject { ["vector"] = new JsonArray(1, 0, 0), ["model"] = new JsonObject { ["id"] = $"made-up-{i}", ["version"] = "1" } }.ToJsonString());
            Assert.False(answer["ok"]!.GetValue<bool>());
            Assert.Equal($"payload: model 'made-up-{i}' '1' has no index on this node (indexed: none yet).", answer["reason"]!.GetValue<string>());
        }

        Assert.False(Directory.Exists(state) && Directory.EnumerateFileSystemEntries(state).Any());

        var longId = await AskAsync(Search, new JsonObject { ["vector"] = new JsonArray(1, 0), ["model"] = new JsonObject { ["id"] = new string('m', 256), ["version"] = "1" } }.ToJsonString());
        Assert.StartsWith("payload: field 'model.id' is too long for an id (256 characters); an id is at most 255 bytes of UTF-8 ('mmmm", longId["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var slide = await AskAsync(Search, new JsonObject { ["slide"] = new string('s', 1 << 20), ["box"] = new JsonArray(0, 0, 1, 1) }.ToJsonString(), maxBytes: 4 << 20);
        Assert.Contains("field 'slide' is too long for an id (1048576 characters)", slide["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(slide["reason"]!.GetValue<string>().Length < 300, "the reason quotes the caller's megabyte");
    }

    [Fact]
    public void The_body_reader_refuses_what_is_too_large_too_deep_or_not_an_object_before_any_handler()
    {
        Assert.Empty(RequestBody.Read(string.Empty, 1024));
        Assert.Equal("grass", RequestBody.Read("{\"text\": \"grass\"}", 1024)["text"]!.GetValue<string>());

        var large = Assert.Throws<RequestRefusedException>(() => RequestBody.Read(Encoding.UTF8.GetBytes($"{{\"text\": \"{new string('a', 2000)}\"}}"), 1024));
        Assert.Equal("payload: the body is 2012 bytes; at most 1024 are accepted (EdgeRuntime:Mqtt:MaxRequestBytes).", large.Message);
        var deep = Assert.Throws<RequestRefusedException>(() => RequestBody.Read(string.Concat(Enumerable.Repeat("{\"a\":", 40)) + "1" + new string('}', 40), 1024));
        Assert.StartsWith("payload: not valid JSON, or nested deeper than 16 levels", deep.Message, StringComparison.Ordinal);
        Assert.Equal("payload: the body must be a JSON object ({...}).", Assert.Throws<RequestRefusedException>(() => RequestBody.Read("[1, 2]", 1024)).Message);
        Assert.StartsWith("payload: not valid JSON", Assert.Throws<RequestRefusedException>(() => RequestBody.Read("{\"text\": ", 1024)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_name_longer_than_255_bytes_is_refused_without_echoing_it()
    {
        var answer = await AskAsync("tasks/retrieval-index/" + new string('x', 100_000), "{}");
        Assert.False(answer["ok"]!.GetValue<bool>());
        Assert.StartsWith("the request name is too long (100022 characters; at most 255 bytes)", answer["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(answer["reason"]!.GetValue<string>().Length < 200);
    }

    [Fact]
    public async Task A_plugin_id_over_255_bytes_is_refused_by_name_before_the_controller_and_leaves_no_event()
    {
        // What took 33 s and sent 30 MB to every plugins/events subscriber: a 10 MB plugin id.
        using var w = await PluginWorkspace.CreateAsync();
        var registry = new RequestRegistry();
        PluginRequests.Register(registry, w.Controller, w.Options);
        var dispatcher = new RequestDispatcher(registry, w.Tasks, new ProcessingOptions(), NullLogger<RequestDispatcher>.Instance);
        Task<JsonObject> Activate(string id) => dispatcher.DispatchAsync(
            new Request("plugins/activate", new JsonObject { ["kind"] = "tasks", ["id"] = id, ["version"] = "1.0.0" }, CallerRole.Admin, "test", "c"), CancellationToken.None);
        var events = w.Events().Count;

        var huge = await Activate(new string('p', 10 << 20));
        Assert.False(huge["ok"]!.GetValue<bool>());
        var reason = huge["reason"]!.GetValue<string>();
        Assert.StartsWith("payload: field 'id' is too long for an id (10485760 characters); an id is at most 255 bytes of UTF-8", reason, StringComparison.Ordinal);
        Assert.True(reason.Length < 300, $"a reason of {reason.Length} characters");
        Assert.Equal(events, w.Events().Count);
        Assert.DoesNotContain(w.Log.Entries, e => e.Message.Length > 2000);

        // 255 bytes of UTF-8 (here 85 three-byte characters) is an id: it reaches the controller, which does not find it.
        var longest = await Activate(new string('€', 85));
        Assert.False(longest["ok"]!.GetValue<bool>());
        Assert.DoesNotContain("too long", longest["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("too long", (await Activate(new string('€', 86)))["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private Task<JsonObject> AskAsync(string name, string body, int maxBytes = RequestBody.DefaultMaxBytes)
    {
        if (tasks is null)
        {
            var host = new TaskHost(NullLoggerFactory.Instance, temp.File("state/tasks"), new Dictionary<string, Dictionary<string, string>>());
            tasks = new TaskProvider(TaskSetLoader.Load([PluginRef.Parse("retrieval-index/1.0.0", PluginRef.Tasks)], new PluginOptions { Root = temp.File("plugins") }, host, NullLogger.Instance));
        }

        var dispatcher = new RequestDispatcher(new RequestRegistry(), tasks, new ProcessingOptions(), NullLogger<RequestDispatcher>.Instance);
        return dispatcher.DispatchAsync(new Request(name, RequestBody.Read(body, maxBytes), CallerRole.ReadOnly, "test", "c"), CancellationToken.None);
    }
}
