using System.Collections.Concurrent;
using FlowAutomation.Guard;
using FlowAutomation.Runtime;
using FlowAutomation.Testing;

namespace FlowAutomation.Tests.Runtime;

/// <summary>
/// An image reply is decided on what the engine's image inspector found at its URL: the real size and format, or why
/// it cannot be fetched. The dry run's inspector measures nothing, and decides as before.
/// </summary>
public sealed class ImageInspectionTests
{
    private const string Flow = """
        flow: catalogue
        on: message.received
        then:
          - reply: "Here you are:"
          - reply: { image: "https://cdn.shop.example/small.png" }
          - reply: { image: "https://cdn.shop.example/large.png" }
          - reply: { image: "https://cdn.shop.example/really-a-gif.png" }
          - reply: { image: "https://cdn.shop.example/gone.png" }
          - reply: "That's all."
        """;

    private static readonly Dictionary<string, ImageFacts> Found = new()
    {
        ["https://cdn.shop.example/small.png"] = new ImageFacts { Bytes = 40_000, Format = "png", FormatSource = "read from the file's first bytes" },
        ["https://cdn.shop.example/large.png"] = new ImageFacts { Bytes = 5L * 1024 * 1024, Format = "png", FormatSource = "read from the file's first bytes" },
        ["https://cdn.shop.example/really-a-gif.png"] = new ImageFacts { Bytes = 9_000, Format = "gif", FormatSource = "read from the file's first bytes" },
        ["https://cdn.shop.example/gone.png"] = ImageFacts.Unreachable("HTTP 404 Not Found"),
    };

    [Fact]
    public async Task Reply_InspectorFindsEachImage_RefusesTheLargeTheMistypedAndTheUnreachable()
    {
        var inspector = new ScriptedInspector(Found);
        var h = FlowTestHarness.FromYaml(Flow, options: new EngineOptions { Images = inspector });

        var outcome = await h.ReceiveAsync("catalogue please");

        Assert.Equal(["Here you are:", "https://cdn.shop.example/small.png", "That's all."], h.SentTexts);
        Assert.Equal([("catalogue", "image_too_large"), ("catalogue", "image_format_unsupported"), ("catalogue", "image_url_invalid")], h.Blocked);
        Assert.Equal((3, 3), (outcome.Sent, outcome.Blocked));
        Assert.Equal(3, (await h.StateAsync()).WindowSends);
        var refused = h.Trace.Records.OfType<ActionTrace>().Where(a => a.Status == ActionStatus.Blocked).Select(a => a.Detail).ToList();
        Assert.Contains(refused, d => d.Contains("5 MB (5,242,880 bytes); the limit is 3 MB (3,145,728 bytes) (measured at the URL)", StringComparison.Ordinal));
        Assert.Contains(refused, d => d.Contains("image format 'gif' is not allowed by the policy (read from the file's first bytes)", StringComparison.Ordinal));
        Assert.Contains(refused, d => d.Contains("could not be fetched: HTTP 404 Not Found", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reply_ImagesNotKnownYet_LooksAtEachUrlOnceAndCommitsOnce()
    {
        var inspector = new ScriptedInspector(Found);
        var h = FlowTestHarness.FromYaml(Flow, options: new EngineOptions { Images = inspector });

        await h.ReceiveAsync("catalogue please");

        Assert.Equal(Found.Keys.Order(), inspector.Inspected.Order());
        Assert.Equal(1, (await h.StateAsync()).Version);
        Assert.Single(h.Trace.Records.OfType<EventTrace>());
    }

    [Fact]
    public async Task Reply_ImagesAlreadyKnown_AsksNothingMore()
    {
        var inspector = new ScriptedInspector(Found, knownAtOnce: true);
        var h = FlowTestHarness.FromYaml(Flow, options: new EngineOptions { Images = inspector });

        await h.ReceiveAsync("catalogue please");

        Assert.Empty(inspector.Inspected);
        Assert.Equal(3, h.Blocked.Count);
    }

    [Fact]
    public async Task Reply_DryRunInspector_DecidesOnTheUrlAlone()
    {
        var h = FlowTestHarness.FromYaml(Flow);

        await h.ReceiveAsync("catalogue please");

        Assert.Same(DeclaredImageInspector.Instance, h.Engine.Options.Images);
        Assert.Equal(6, h.SentTexts.Count);
        Assert.Empty(h.Blocked);
    }

    /// <summary>Answers from a table; knows nothing at once unless told to, and counts what it was asked to look at.</summary>
    private sealed class ScriptedInspector(IReadOnlyDictionary<string, ImageFacts> facts, bool knownAtOnce = false) : IImageInspector
    {
        private readonly ConcurrentQueue<string> _inspected = new();

        public IReadOnlyList<string> Inspected => [.. _inspected];

        public ImageFacts? Peek(string url) => knownAtOnce ? facts[url] : null;

        public ValueTask<ImageFacts> InspectAsync(string url, CancellationToken cancellationToken)
        {
            _inspected.Enqueue(url);
            return ValueTask.FromResult(facts[url]);
        }
    }
}
