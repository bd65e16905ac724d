namespace FlowAutomation.Server.Outbox;

/// <summary>
/// Exponential backoff with jitter: before attempt <c>n + 1</c> wait <c>min(MaxDelay, BaseDelay · 2^(n-1))</c>
/// scaled by a random factor in [0.5, 1) ("equal jitter"), and never less than the provider's Retry-After.
/// </summary>
internal sealed class RetryPolicy(OutboxOptions options, Random random)
{
    public int MaxAttempts => options.MaxAttempts;

    /// <param name="attempts">Attempts made so far (1 after the first failure).</param>
    public TimeSpan DelayAfter(int attempts, TimeSpan? retryAfter)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var ceiling = Math.Min(options.MaxDelay.TotalMilliseconds, options.BaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = TimeSpan.FromMilliseconds(ceiling * (0.5 + (0.5 * random.NextDouble())));
        return retryAfter is { } floor && floor > jittered ? floor : jittered;
    }
}
