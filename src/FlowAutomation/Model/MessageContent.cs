namespace FlowAutomation.Model;

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
/// What a message the business sends says: one closed hierarchy shared by the guard (which decides it), the engine's
/// outgoing messages, the service's outbox (which stores it) and the sender (which hands it to the provider). Each
/// kind carries its own fields, none of them optional: <see cref="TextContent"/>, <see cref="ImageContent"/>,
/// <see cref="SharePostContent"/> (together <see cref="SendableContent"/>), and <see cref="UnsupportedContent"/>
/// for a kind TikTok never takes from a business, which the guard always refuses.
/// </summary>
public abstract record MessageContent
{
    private protected MessageContent()
    {
    }

    public abstract OutboundKind Kind { get; }
}

/// <summary>Content TikTok takes from a business: only these reach an outbox and a sender.</summary>
public abstract record SendableContent : MessageContent
{
    private protected SendableContent()
    {
    }
}

/// <summary>Text (the rendered template), optionally quoting one of the customer's messages by the provider's id.</summary>
public sealed record TextContent(string Text) : SendableContent
{
    public override OutboundKind Kind => OutboundKind.Text;

    /// <summary>The provider's id of the customer's message this one quotes; null quotes nothing.</summary>
    public string? ReplyToMessageId { get; init; }

    public override string ToString() => $"text \"{Text}\"";
}

/// <summary>An image at a public http(s) URL, which the provider fetches.</summary>
public sealed record ImageContent(string Url) : SendableContent
{
    public override OutboundKind Kind => OutboundKind.Image;

    public override string ToString() => $"image {Url}";
}

/// <summary>One of the business's own TikTok posts, by its id.</summary>
public sealed record SharePostContent(string PostId) : SendableContent
{
    public override OutboundKind Kind => OutboundKind.SharePost;

    public override string ToString() => $"share_post {PostId}";
}

/// <summary>A kind TikTok never takes from a business (video, voice, sticker, file): the guard refuses it, so it is never queued.</summary>
public sealed record UnsupportedContent : MessageContent
{
    public UnsupportedContent(OutboundKind kind)
    {
        if (kind is OutboundKind.Text or OutboundKind.Image or OutboundKind.SharePost)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "text, image and share_post are TextContent, ImageContent and SharePostContent");
        }

        Kind = kind;
    }

    public override OutboundKind Kind { get; }

    public override string ToString() => Kind.ToString().ToLowerInvariant();
}
