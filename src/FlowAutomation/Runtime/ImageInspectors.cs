using FlowAutomation.Guard;

namespace FlowAutomation.Runtime;

/// <summary>
/// Looks at the image behind a URL before the guard decides an image reply: its real size and format, or why it
/// cannot be fetched (<see cref="ImageFacts"/>). The live service's inspector asks the image's server and caches the
/// answer per URL; the dry run's (<see cref="DeclaredImageInspector"/>) measures nothing.
/// </summary>
public interface IImageInspector
{
    /// <summary>The facts known at once (cached), or null when only <see cref="InspectAsync"/> can tell.</summary>
    ImageFacts? Peek(string url);

    /// <summary>Looks at the image; never throws for an image that cannot be fetched (that is a fact too).</summary>
    ValueTask<ImageFacts> InspectAsync(string url, CancellationToken cancellationToken);
}

/// <summary>
/// The dry run's inspector, and the service's with <c>Images:Probe=false</c>: it measures nothing, so the guard decides
/// an image on its URL (form and extension) and the size the sender declared, without any network.
/// </summary>
public sealed class DeclaredImageInspector : IImageInspector
{
    public static DeclaredImageInspector Instance { get; } = new();

    private DeclaredImageInspector()
    {
    }

    public ImageFacts? Peek(string url) => ImageFacts.NotMeasured;

    public ValueTask<ImageFacts> InspectAsync(string url, CancellationToken cancellationToken) => ValueTask.FromResult(ImageFacts.NotMeasured);
}

/// <summary>
/// The image facts of one event, kept across its runs. The actions run synchronously, so an image reply whose URL the
/// inspector cannot answer at once is noted; the engine then looks at the noted URLs and runs the event again (like a
/// lost race: nothing of the first run is committed), this time with the facts.
/// </summary>
internal sealed class ImageLookups(IImageInspector inspector)
{
    // Made on the first image reply: most events send no image.
    private Dictionary<string, ImageFacts>? _found;
    private HashSet<string>? _wanted;

    /// <summary>The facts for <paramref name="url"/>, or null (and the URL noted) when they need a look first.</summary>
    public ImageFacts? Find(string url)
    {
        if (_found is not null && _found.TryGetValue(url, out var found))
        {
            return found;
        }

        if (inspector.Peek(url) is { } known)
        {
            (_found ??= new(StringComparer.Ordinal))[url] = known;
            return known;
        }

        (_wanted ??= new(StringComparer.Ordinal)).Add(url);
        return null;
    }

    /// <summary>Looks at the noted URLs; true when there were any (the run needs to go again with their facts).</summary>
    public ValueTask<bool> InspectWantedAsync(CancellationToken cancellationToken) =>
        _wanted is not { Count: > 0 } wanted ? ValueTask.FromResult(false) : InspectAsync(wanted, cancellationToken);

    private async ValueTask<bool> InspectAsync(HashSet<string> wanted, CancellationToken cancellationToken)
    {
        var urls = wanted.ToList();
        wanted.Clear();
        var facts = await Task.WhenAll(urls.Select(u => inspector.InspectAsync(u, cancellationToken).AsTask())).ConfigureAwait(false);
        _found ??= new(StringComparer.Ordinal);
        for (var i = 0; i < urls.Count; i++)
        {
            _found[urls[i]] = facts[i];
        }

        return true;
    }
}
