using System.Collections;
using System.Globalization;
using System.Reflection;
using FlowAutomation.Policy;
using FlowAutomation.State;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Tests.State;

/// <summary>
/// The engine applies an event's changes to one draft, in place (ConversationState.Draft.cs). These check, on random
/// sequences of every change, that the draft ends equal to the per-change path as it was written before drafts (each
/// change a <c>with</c> copy, kept here as the reference), that the public changes still leave every earlier state as
/// it was, and that drafting never writes into the state it was made from.
/// </summary>
public sealed class ConversationDraftPropertyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly PolicyProfile[] Profiles = [PolicyProfile.TikTok, PolicyProfile.TikTok with { LeadOpensWindow = false }, PolicyProfile.TikTokTiered];
    private static readonly string[] Names = ["vip", "VIP", "lead", "spam"];

    private abstract record Change;

    private sealed record Inbound(int Minutes) : Change;

    private sealed record Lead(int Minutes) : Change;

    private sealed record Send(int Minutes, bool AfterWindow) : Change;

    private sealed record AgentSend(int Minutes) : Change;

    private sealed record Tag(int Name, bool Add) : Change;

    private sealed record Field(int Name, int Value) : Change;

    private sealed record Assign(int Agent, bool Team, bool Clear) : Change;

    private sealed record Flag(bool Reported) : Change;

    private sealed record Contact(int Id, int Name, bool Country) : Change;

    private sealed record Stretch(int Minutes) : Change;

    private sealed record Fired(int Flow, int Minutes) : Change;

    [Fact]
    public void Draft_RandomChanges_EqualsThePerChangePathAndLeavesItsSourceAsItWas()
    {
        // Times up to three days either side, in three offsets: late events and windows that close both happen.
        var minutes = Gen.Choose(-3 * 24 * 60, 3 * 24 * 60);
        var change = Gen.OneOf(
            minutes.Select(m => (Change)new Inbound(m)),
            minutes.Select(m => (Change)new Lead(m)),
            from m in minutes from after in Gen.Elements(true, false) select (Change)new Send(m, after),
            minutes.Select(m => (Change)new AgentSend(m)),
            from n in Gen.Choose(0, Names.Length - 1) from add in Gen.Elements(true, false) select (Change)new Tag(n, add),
            from n in Gen.Choose(0, Names.Length - 1) from v in Gen.Choose(0, 3) select (Change)new Field(n, v),
            from a in Gen.Choose(0, 2) from team in Gen.Elements(true, false) from clear in Gen.Elements(true, false) select (Change)new Assign(a, team, clear),
            Gen.Elements(true, false).Select(r => (Change)new Flag(r)),
            from id in Gen.Choose(0, 2) from name in Gen.Choose(0, 2) from country in Gen.Elements(true, false) select (Change)new Contact(id, name, country),
            minutes.Select(m => (Change)new Stretch(m)),
            from f in Gen.Choose(0, 3) from m in minutes select (Change)new Fired(f, m));
        var runs =
            from profile in Gen.Choose(0, Profiles.Length - 1)
            from before in Gen.ListOf(change)
            from during in Gen.ListOf(change)
            select (Profiles[profile], before.ToArray(), during.ToArray());

        Prop.ForAll(runs.ToArbitrary(), run => Check(run.Item1, run.Item2, run.Item3))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithEndSize(40));
    }

    private static void Check(PolicyProfile profile, Change[] before, Change[] during)
    {
        // A stored state (reached by the public changes), then one event's changes both ways.
        var stored = before.Aggregate(ConversationState.New("c-1"), (s, c) => Public(s, c, profile)) with { Version = 7 };
        var storedSeen = Seen(stored);

        var reference = stored;
        var steps = new List<(ConversationState State, Dictionary<string, string> Seen)>();
        foreach (var c in during)
        {
            reference = Reference(reference, c, profile);
            steps.Add((reference, Seen(reference)));
        }

        var draft = stored.Draft();
        foreach (var c in during)
        {
            Apply(draft, c, profile);
        }

        var viaPublic = during.Aggregate(stored, (s, c) => Public(s, c, profile));

        Assert.Equal(Seen(reference), Seen(draft));
        Assert.Equal(Seen(reference), Seen(viaPublic));
        Assert.Equal(storedSeen, Seen(stored));
        Assert.All(steps, step => Assert.Equal(step.Seen, Seen(step.State)));
    }

    private static DateTimeOffset At(int minutes) =>
        (T0 + TimeSpan.FromMinutes(minutes)).ToOffset(TimeSpan.FromHours(minutes % 3 == 0 ? 0 : minutes % 3 == 1 ? 7 : -5));

    /// <summary>The draft path: the engine's in-place changes.</summary>
    private static void Apply(ConversationState draft, Change change, PolicyProfile profile)
    {
        switch (change)
        {
            case Inbound(var m): draft.ApplyInbound(At(m), profile); break;
            case Lead(var m): draft.ApplyLeadSubmission(At(m), profile); break;
            case Send(var m, var after): draft.ApplySend(At(m), after); break;
            case AgentSend(var m): draft.ApplyAgentSend(At(m), profile); break;
            case Tag(var n, true): draft.ApplyTag(Names[n]); break;
            case Tag(var n, false): draft.ApplyUntag(Names[n]); break;
            case Field(var n, var v): draft.ApplyField(Names[n], "v" + v); break;
            case Assign(_, _, true): draft.ApplyAssignment(null, null); break;
            case Assign(var a, var team, false): draft.ApplyAssignment(Agent(a) ?? draft.Assignee, (team ? "support" : null) ?? draft.Team); break;
            case Flag(true): draft.ApplyReported(); break;
            case Flag(false): draft.ApplyClosed(); break;
            case Contact(var id, var name, var country):
                if (draft.ChangesContact(Agent(id), Agent(name), country ? "SG" : null, null))
                {
                    draft.ApplyContact(Agent(id), Agent(name), country ? "SG" : null, null);
                }

                break;
            case Stretch(var m):
                if (draft.BeginsStretch(At(m)))
                {
                    draft.ApplyStretch(At(m));
                }

                break;
            case Fired(var f, var m): draft.ApplyFired("flow-" + f, At(m)); break;
        }
    }

    /// <summary>The public changes, as every caller but the engine uses them.</summary>
    private static ConversationState Public(ConversationState s, Change change, PolicyProfile profile) => change switch
    {
        Inbound(var m) => s.RecordInbound(At(m), profile),
        Lead(var m) => s.RecordLeadSubmission(At(m), profile),
        Send(var m, var after) => s.RecordSend(At(m), after),
        AgentSend(var m) => s.RecordAgentSend(At(m), profile),
        Tag(var n, true) => s.WithTag(Names[n]),
        Tag(var n, false) => s.WithoutTag(Names[n]),
        Field(var n, var v) => s.WithField(Names[n], "v" + v),
        Assign(_, _, true) => s.Unassigned(),
        Assign(var a, var team, false) => s.AssignTo(Agent(a), team ? "support" : null),
        Flag(true) => s.MarkReported(),
        Flag(false) => s.MarkClosed(),
        Contact(var id, var name, var country) => s.WithContact(Agent(id), Agent(name), country ? "SG" : null, null),
        Stretch(var m) => s.BeginStretch(At(m)),
        Fired(var f, var m) => s.RecordFired("flow-" + f, At(m)),
        _ => throw new ArgumentOutOfRangeException(nameof(change)),
    };

    /// <summary>The per-change path as it was before drafts: every change a copy made with <c>with</c>.</summary>
    private static ConversationState Reference(ConversationState s, Change change, PolicyProfile profile)
    {
        switch (change)
        {
            case Inbound(var m):
            {
                var at = At(m);
                var isReply = s.InboundCount > 0 && s.BusinessReplied;
                var opens = s.WindowStart is not { } start || at >= start;
                return s with
                {
                    InboundCount = s.InboundCount + 1,
                    FirstInboundAt = s.FirstInboundAt is { } first && first <= at ? first : at,
                    LastInboundAt = s.LastInboundAt is { } last && last >= at ? last : at,
                    CustomerReplied = s.CustomerReplied || isReply,
                    Closed = false,
                    WindowOpener = opens ? (isReply ? WindowOpener.Reply : WindowOpener.Message) : s.WindowOpener,
                    WindowStart = opens ? at : s.WindowStart,
                    WindowEnd = opens ? at + profile.ReplyWindow : s.WindowEnd,
                    WindowSends = opens ? 0 : s.WindowSends,
                    AfterWindowSends = opens ? 0 : s.AfterWindowSends,
                };
            }

            case Lead(var m):
            {
                var at = At(m);
                var next = s with { LastLeadAt = s.LastLeadAt is { } last && last >= at ? last : at };
                return profile.LeadOpensWindow && (s.WindowStart is not { } start || at >= start)
                    ? next with { WindowOpener = WindowOpener.Lead, WindowStart = at, WindowEnd = at + profile.ReplyWindow, WindowSends = 0, AfterWindowSends = 0 }
                    : next;
            }

            case Send(var m, var after):
                return ReferenceSend(s, At(m), after);
            case AgentSend(var m):
            {
                var at = At(m);
                var counted = ReferenceSend(s, at, afterWindow: !s.Allowance(profile, at).IsOpen);
                return s.WindowOpener == WindowOpener.None || (s.WindowStart is { } start && at < start)
                    ? counted with { WindowSends = s.WindowSends, AfterWindowSends = s.AfterWindowSends }
                    : counted;
            }

            case Tag(var n, var add):
                return s with { Tags = add ? s.Tags.Add(Names[n]) : s.Tags.Remove(Names[n]) };
            case Field(var n, var v):
                return s with { Fields = s.Fields.SetItem(Names[n], "v" + v) };
            case Assign(_, _, true):
                return s with { Assignee = null, Team = null };
            case Assign(var a, var team, false):
                return s with { Assignee = Agent(a) ?? s.Assignee, Team = (team ? "support" : null) ?? s.Team };
            case Flag(var reported):
                return reported ? s with { Reported = true } : s with { Closed = true };
            case Contact(var id, var name, var country):
                return s with { ContactId = Agent(id) ?? s.ContactId, ContactName = Agent(name) ?? s.ContactName, ContactCountry = (country ? "SG" : null) ?? s.ContactCountry };
            case Stretch(var m):
                return s.WindowEnd is { } end && end > At(m) && s.StretchStart is not null ? s : s with { StretchStart = At(m) };
            case Fired(var f, var m):
                return s with { FlowsFired = s.FlowsFired.SetItem("flow-" + f, At(m)) };
            default:
                throw new ArgumentOutOfRangeException(nameof(change));
        }
    }

    private static ConversationState ReferenceSend(ConversationState s, DateTimeOffset at, bool afterWindow) => s with
    {
        WindowSends = afterWindow ? s.WindowSends : s.WindowSends + 1,
        AfterWindowSends = afterWindow ? s.AfterWindowSends + 1 : s.AfterWindowSends,
        OutboundCount = s.OutboundCount + 1,
        LastOutboundAt = s.LastOutboundAt is { } last && last >= at ? last : at,
        BusinessReplied = s.BusinessReplied || s.InboundCount > 0,
    };

    private static string? Agent(int i) => i == 0 ? null : "agent-" + i;

    /// <summary>Every public property as text (times with their offsets, collections sorted): what a reader of the state sees.</summary>
    private static Dictionary<string, string> Seen(ConversationState state) =>
        typeof(ConversationState).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .ToDictionary(p => p.Name, p => Text(p.GetValue(state)));

    private static string Text(object? value) => value switch
    {
        null => "null",
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        string s => s,
        IEnumerable items => string.Join(",", items.Cast<object>().Select(Text).Order(StringComparer.Ordinal)),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
