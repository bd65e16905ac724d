namespace FlowAutomation.Guard;

/// <summary>What kind of message the business wants to send. Only text, image and share_post can be sent on TikTok.</summary>
public enum OutboundKind
{
    Text,
    Image,
    SharePost,

    /// <summary>Never sendable: TikTok does not accept videos from a business.</summary>
    Video,

    /// <summary>Never sendable: voice messages.</summary>
    Voice,

    /// <summary>Never sendable: stickers.</summary>
    Sticker,

    /// <summary>Never sendable: files and documents.</summary>
    File,
}

/// <summary>
/// A message the business wants to send, as the guard sees it: the content (rendered text, image URL with an
/// optional declared size, or a post id), the validity asked for (<c>null</c>: the profile's default), and the
/// customer's country (ISO 3166 alpha-2) for the media-region rule.
/// </summary>
public sealed record OutboundMessage
{
    private OutboundMessage(OutboundKind kind) => Kind = kind;

    public OutboundKind Kind { get; }

    /// <summary>The rendered text of a text message.</summary>
    public string? Text { get; private init; }

    /// <summary>The URL the provider fetches an image from.</summary>
    public string? ImageUrl { get; private init; }

    /// <summary>The image's size in bytes, when the sender knows it (checked against the profile's limit).</summary>
    public long? ImageBytes { get; private init; }

    /// <summary>
    /// What a look at the image's URL found (<see cref="ImageFacts"/>): a measured size and format win over the
    /// declared size and the URL's extension, and an image that cannot be fetched is refused. Null: nobody looked.
    /// </summary>
    public ImageFacts? Image { get; init; }

    /// <summary>The TikTok post id of a share_post message.</summary>
    public string? PostId { get; private init; }

    /// <summary>How long the message may wait before it is handed to the provider; <c>null</c>: the profile's default.</summary>
    public TimeSpan? Validity { get; init; }

    /// <summary>The customer's country, for <c>media_region_blocked</c>; <c>null</c> when unknown.</summary>
    public string? RecipientCountry { get; init; }

    public static OutboundMessage ForText(string text, TimeSpan? validity = null) =>
        new(OutboundKind.Text) { Text = text ?? string.Empty, Validity = CheckValidity(validity) };

    public static OutboundMessage ForImage(string url, long? declaredBytes = null, TimeSpan? validity = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentOutOfRangeException.ThrowIfNegative(declaredBytes ?? 0, nameof(declaredBytes));
        return new(OutboundKind.Image) { ImageUrl = url, ImageBytes = declaredBytes, Validity = CheckValidity(validity) };
    }

    public static OutboundMessage ForSharePost(string postId, TimeSpan? validity = null) =>
        new(OutboundKind.SharePost) { PostId = postId ?? string.Empty, Validity = CheckValidity(validity) };

    /// <summary>A message of a kind the guard always refuses (video, voice, sticker, file).</summary>
    public static OutboundMessage ForUnsupported(OutboundKind kind)
    {
        if (kind is OutboundKind.Text or OutboundKind.Image or OutboundKind.SharePost)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "use ForText, ForImage or ForSharePost");
        }

        return new(kind);
    }

    public override string ToString() => Kind switch
    {
        OutboundKind.Text => $"text \"{Text}\"",
        OutboundKind.Image => $"image {ImageUrl}",
        OutboundKind.SharePost => $"share_post {PostId}",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    private static TimeSpan? CheckValidity(TimeSpan? validity)
    {
        if (validity is { } v && v <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(validity), v, "a message's validity must be positive");
        }

        return validity;
    }
}
