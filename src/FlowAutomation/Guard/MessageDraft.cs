using FlowAutomation.Model;

namespace FlowAutomation.Guard;

/// <summary>
/// A message the business wants to send, as the guard decides it: its <see cref="Content"/>, and what the guard needs
/// beside it — the validity asked for (<c>null</c>: the profile's default), the customer's country (ISO 3166
/// alpha-2) for the media-region rule, and for an image the size the sender declares and what a look at its URL found.
/// </summary>
public sealed record MessageDraft(MessageContent Content)
{
    public MessageContent Content { get; init; } = Content ?? throw new ArgumentNullException(nameof(Content));

    public OutboundKind Kind => Content.Kind;

    /// <summary>For an image: its size in bytes as the sender declares it (checked against the profile's limit).</summary>
    public long? DeclaredImageBytes { get; init; }

    /// <summary>
    /// For an image: what a look at its URL found (<see cref="ImageFacts"/>): a measured size and format win over the
    /// declared size and the URL's extension, and an image that cannot be fetched is refused. Null: nobody looked.
    /// </summary>
    public ImageFacts? Image { get; init; }

    /// <summary>How long the message may wait before it is handed to the provider; <c>null</c>: the profile's default.</summary>
    public TimeSpan? Validity { get; init; }

    /// <summary>The customer's country, for <c>media_region_blocked</c>; <c>null</c> when unknown.</summary>
    public string? RecipientCountry { get; init; }

    public static MessageDraft ForText(string text, TimeSpan? validity = null) =>
        new(new TextContent(text ?? string.Empty)) { Validity = CheckValidity(validity) };

    public static MessageDraft ForImage(string url, long? declaredBytes = null, TimeSpan? validity = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentOutOfRangeException.ThrowIfNegative(declaredBytes ?? 0, nameof(declaredBytes));
        return new(new ImageContent(url)) { DeclaredImageBytes = declaredBytes, Validity = CheckValidity(validity) };
    }

    public static MessageDraft ForSharePost(string postId, TimeSpan? validity = null) =>
        new(new SharePostContent(postId ?? string.Empty)) { Validity = CheckValidity(validity) };

    /// <summary>A message of a kind the guard always refuses (video, voice, sticker, file).</summary>
    public static MessageDraft ForUnsupported(OutboundKind kind) => new(new UnsupportedContent(kind));

    /// <summary>The draft of <paramref name="content"/> with the validity a flow asked for.</summary>
    public static MessageDraft For(SendableContent content, TimeSpan? validity) => new(content) { Validity = CheckValidity(validity) };

    public override string ToString() => Content.ToString();

    private static TimeSpan? CheckValidity(TimeSpan? validity)
    {
        if (validity is { } v && v <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(validity), v, "a message's validity must be positive");
        }

        return validity;
    }
}
