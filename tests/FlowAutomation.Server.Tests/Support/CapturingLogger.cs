using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>
/// Keeps the service's log lines from <paramref name="minimum"/> up (warnings and errors by default, to explain a
/// test that timed out), as <c>"{level} {category}: {message} {exception}"</c>, and lets a test wait for a line.
/// </summary>
internal sealed class CapturingLoggerProvider(LogLevel minimum = LogLevel.Warning) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private TaskCompletionSource _logged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Waits until <paramref name="condition"/> holds for the lines, looking again after each new line.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<string>, bool> condition, string what, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var logged = Volatile.Read(ref _logged).Task;
            if (condition(Lines))
                return;
            try
            {
                await logged.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}; the service logged:{string.Concat(Lines.Select(l => Environment.NewLine + l))}");
            }
        }
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.Minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}".TrimEnd());
            Interlocked.Exchange(ref owner._logged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private LogLevel Minimum => minimum;
}
