/// <summary>
/// The load test process's own runtime settings, which its <c>flowctl serve</c> children must not inherit: the service
/// is measured as it runs anywhere else.
/// </summary>
internal static class LoadTestProcess
{
    private const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private static string? s_inherited;
    private static bool s_set;

    /// <summary>
    /// Runs the continuations of this process's socket operations (the webhook sender's and the fake provider's) on the
    /// socket engine's own threads instead of handing each to the thread pool: fewer thread wake-ups per request on the
    /// two cores the service shares. Read by .NET when the first socket is made, so called before that.
    /// </summary>
    public static void InlineSocketCompletions()
    {
        s_inherited = Environment.GetEnvironmentVariable(InlineCompletionsVariable);
        Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        s_set = true;
    }

    /// <summary>Gives a child process the environment this process was started with, not its own settings.</summary>
    public static void RestoreForChild(IDictionary<string, string?> environment)
    {
        if (!s_set)
            return;
        if (s_inherited is null)
            environment.Remove(InlineCompletionsVariable);
        else
            environment[InlineCompletionsVariable] = s_inherited;
    }
}
