using FlowAutomation.Server.Common;

namespace FlowAutomation.Server.Images;

/// <summary>Configuration section <c>Images</c>: how the service looks at an image before the guard decides an image reply.</summary>
internal sealed class ImageOptions
{
    public const string SectionName = "Images";

    public const string HttpClientName = "images";

    /// <summary>Look at each image's URL (size, real format, reachable); false decides on the URL and declared size, as the dry run does.</summary>
    public bool Probe { get; set; } = true;

    /// <summary>One request's limit (the HEAD, then the ranged GET), on the injected clock.</summary>
    [Positive]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long what was found about an image is reused for the same URL.</summary>
    [NotNegative]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an image that could not be fetched is refused without asking again.</summary>
    [NotNegative]
    public TimeSpan FailureCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Redirects followed at most.</summary>
    [Between(0, 20)]
    public int MaxRedirects { get; set; } = 5;
}
