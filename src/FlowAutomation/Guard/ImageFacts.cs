namespace FlowAutomation.Guard;

/// <summary>
/// What a look at an image's URL found, for the guard to decide on: the image's real size and format, or why it
/// could not be fetched. A property that nothing measured is null, and the guard then decides without it (the size
/// the sender declared, the format the URL's extension names).
/// </summary>
public sealed record ImageFacts
{
    /// <summary>Nothing was measured (the dry run, or probing turned off): the guard trusts the declared size and the URL.</summary>
    public static ImageFacts NotMeasured { get; } = new();

    /// <summary>The image's size in bytes, as the server reported it.</summary>
    public long? Bytes { get; init; }

    /// <summary>
    /// The image's real format: a file type read from its first bytes (<c>jpeg</c>, <c>png</c>, <c>gif</c>, <c>webp</c>…),
    /// or failing that the server's <c>Content-Type</c> (<c>text/html</c>).
    /// </summary>
    public string? Format { get; init; }

    /// <summary>Where <see cref="Format"/> comes from, in words (<c>read from the file's first bytes</c>).</summary>
    public string? FormatSource { get; init; }

    /// <summary>Why the image could not be fetched (<c>HTTP 404 Not Found</c>, <c>no answer within 5 s</c>); null when it could.</summary>
    public string? Failure { get; init; }

    public bool IsMeasured => Bytes is not null || Format is not null || Failure is not null;

    public static ImageFacts Unreachable(string why) => new() { Failure = why };

    public override string ToString() =>
        Failure is { } failure ? $"cannot be fetched: {failure}"
        : !IsMeasured ? "not measured"
        : $"{Format ?? "unknown format"}, {(Bytes is { } bytes ? $"{bytes} bytes" : "size unknown")}";
}
