using FlowAutomation.Policy;

namespace FlowAutomation.Templates;

/// <summary>
/// How far one render may go. <see cref="MaxCharacters"/> is counted as the guard counts (user-perceived
/// characters): one over the policy's text limit, so that a render that could still be sent is never cut, and one
/// that could not stops as soon as that is certain. <see cref="RenderTime"/> is real time (work done), measured on
/// <see cref="Clock"/>, not the engine's clock, which stands still in a dry run.
/// </summary>
public sealed record TemplateLimits
{
    /// <summary>Turns of all loops together (<c>for</c>, <c>while</c>, ranges).</summary>
    public int LoopLimit { get; init; } = 1000;

    /// <summary>Depth of nested function calls.</summary>
    public int RecursionLimit { get; init; } = 20;

    public int MaxCharacters { get; init; } = PolicyProfile.TikTok.TextMaxLength + 1;

    public TimeSpan RenderTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Timeout of each regular expression a template runs (<c>regex.match</c>, <c>string.replace</c> is not one).</summary>
    public TimeSpan RegexTime { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The limits for replies under <paramref name="policy"/>.</summary>
    public static TemplateLimits For(PolicyProfile policy) => new() { MaxCharacters = policy.TextMaxLength + 1 };
}

/// <summary>
/// What a render gave: the text, or why there is none. A failure carries the reason code the trace records
/// (<c>text_too_long</c> when the output passed the limit, <c>template_failed</c> otherwise) and a sentence.
/// </summary>
public readonly record struct TemplateResult(string? Text, string? ReasonCode, string? Failure)
{
    public const string TemplateFailed = "template_failed";

    public const string TextTooLong = "text_too_long";

    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(false, nameof(Text))]
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(ReasonCode), nameof(Failure))]
    public bool Failed => Text is null;

    public static TemplateResult Ok(string text) => new(text, null, null);

    public static TemplateResult Fail(string reasonCode, string failure) => new(null, reasonCode, failure);
}
