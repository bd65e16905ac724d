using FlowAutomation.Model;
using Scriban;
using Scriban.Syntax;

namespace FlowAutomation.Templates;

/// <summary>
/// Renders compiled templates as plain text, each render bounded by <see cref="TemplateLimits"/>, and never throws
/// for what a template does: a failure is a <see cref="TemplateResult"/> with a reason. Each thread keeps one
/// Scriban <see cref="TemplateContext"/> (with its own built-ins and output) and reuses it: the facts are pushed as
/// a global for one render and popped after it. A context that saw a failure is dropped, so no state of a failed
/// render reaches the next one. Thread-safe.
/// </summary>
public sealed class TemplateRenderer(TemplateLimits limits)
{
    [ThreadStatic]
    private static RenderSlot? t_slot;

    /// <summary>
    /// The forms flows use (a fallback, pipes into string and array functions, an <c>if</c>, a loop, a date; only paths
    /// every trigger has, so that the template is one a flow could hold: see its test), rendered
    /// once untimed before a renderer's first timed render: the first render in a process also compiles Scriban's
    /// evaluation code, and on a busy machine that alone passed <see cref="TemplateLimits.RenderTime"/> and refused a
    /// sound reply.
    /// </summary>
    internal const string WarmUpText =
        "{{ contact.name ?? 'there' | string.split ' ' | array.first | string.upcase }}{{ if contact.name }}{{ contact.name }}{{ else }}-{{ end }}" +
        "{{ for tag in contact.tags }}{{ tag }}{{ if !for.last }}, {{ end }}{{ end }}{{ contact.name ?? '' | string.truncate 10 }}" +
        "{{ now | date.to_string '%d %b %Y' }}";

    private static readonly Template WarmUpTemplate = Template.Parse(WarmUpText, lexerOptions: TemplateCompiler.Lexing);

    private bool _warmed;

    public TemplateLimits Limits => limits;

    /// <summary>Renders <paramref name="template"/> against the facts, with <c>now</c> at <paramref name="now"/>.</summary>
    public TemplateResult Render(MessageTemplate template, FactSnapshot facts, DateTimeOffset now)
    {
        if (template.Parsed is not { } parsed)
        {
            return TemplateResult.Ok(template.Source);
        }

        var slot = t_slot ??= new RenderSlot();
        if (!Volatile.Read(ref _warmed))
        {
            slot = WarmUp(slot, facts, now);
            Volatile.Write(ref _warmed, true);
        }

        var context = slot.Context;
        context.LoopLimit = limits.LoopLimit;
        context.RecursiveLimit = limits.RecursionLimit;
        context.RegexTimeOut = limits.RegexTime;
        context.CancellationToken = slot.StartTimer(limits.Clock, limits.RenderTime);
        slot.Output.Start(limits.MaxCharacters);
        context.PushGlobal(TemplateGlobals.From(facts, now));
        var failed = true;
        try
        {
            // What Template.Render does, writing to our output: the page's statements write as they run, and a
            // page that ends in an expression writes its value.
            if (context.Evaluate(parsed.Page!) is { } last)
            {
                context.Write(parsed.Page!.Span, last);
            }

            failed = false;
            return TemplateResult.Ok(slot.Output.Take());
        }
        catch (Exception ex)
        {
            return Failure(ex, slot.Output, template);
        }
        finally
        {
            if (failed || !slot.StopTimer())
            {
                slot.Dispose();
                t_slot = null;
            }
            else
            {
                context.PopGlobal();
            }
        }
    }

    /// <summary>Renders <see cref="WarmUpTemplate"/> against these facts with no timer and drops what it wrote (or the slot, if it failed).</summary>
    private RenderSlot WarmUp(RenderSlot slot, FactSnapshot facts, DateTimeOffset now)
    {
        var context = slot.Context;
        context.LoopLimit = limits.LoopLimit;
        context.RecursiveLimit = limits.RecursionLimit;
        context.RegexTimeOut = limits.RegexTime;
        context.CancellationToken = CancellationToken.None;
        slot.Output.Start(limits.MaxCharacters);
        context.PushGlobal(TemplateGlobals.From(facts, now));
        try
        {
            if (context.Evaluate(WarmUpTemplate.Page!) is { } last)
            {
                context.Write(WarmUpTemplate.Page!.Span, last);
            }

            context.PopGlobal();
            slot.Output.Take();
            return slot;
        }
#pragma warning disable CA1031 // the warm-up only compiles code; whatever it meets, the real render decides
        catch (Exception)
#pragma warning restore CA1031
        {
            slot.Dispose();
            return t_slot = new RenderSlot();
        }
    }

    private TemplateResult Failure(Exception ex, LimitedOutput output, MessageTemplate template)
    {
        if (output.Overflowed)
        {
            var start = output.Take();
            start = start.Length <= 40 ? start : start[..40] + "…";
            return TemplateResult.Fail(TemplateResult.TextTooLong, $"the template renders more than {limits.MaxCharacters - 1:N0} characters, the policy's limit: \"{start.ReplaceLineEndings("⏎")}\"");
        }

        var where = template.Span.Path.Length == 0 ? string.Empty : $" ({template.Span})";
        var what = ex switch
        {
            ScriptAbortException => $"the template took longer than {limits.RenderTime.TotalMilliseconds:0} ms",
            ScriptRuntimeException runtime => $"the template failed at line {runtime.Span.Start.Line + 1}, column {runtime.Span.Start.Column + 1} of the text: {runtime.OriginalMessage}",
            _ => $"the template failed: {ex.Message}",
        };
        return TemplateResult.Fail(TemplateResult.TemplateFailed, what + where);
    }

    /// <summary>One thread's context, output and render timer.</summary>
    private sealed class RenderSlot : IDisposable
    {
        private CancellationTokenSource? _timer;
        private TimeProvider? _clock;

        public RenderSlot()
        {
            Context = new TemplateContext(TemplateFunctions.CreateBuiltins())
            {
                AutoIndent = false,
                NewLine = "\n",
                EnableRelaxedTargetAccess = true,
                LimitToString = 0, // the output's own limit counts characters as the guard does
            };
            Context.PushOutput(Output);
        }

        public TemplateContext Context { get; }

        public LimitedOutput Output { get; } = new();

        public CancellationToken StartTimer(TimeProvider clock, TimeSpan limit)
        {
            if (_timer is null || !ReferenceEquals(clock, _clock))
            {
                _timer?.Dispose();
                _timer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, clock);
                _clock = clock;
            }

            _timer.CancelAfter(limit);
            return _timer.Token;
        }

        /// <summary>Stops the timer for reuse; false when it fired (the slot is then dropped).</summary>
        public bool StopTimer() => _timer!.TryReset();

        public void Dispose() => _timer?.Dispose();
    }
}
