using System.Runtime.CompilerServices;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>Signals (keyword, value and tag keys hit by the event) and the evaluation of the condition graph.</summary>
public sealed partial class RuleSession
{
    private readonly ConditionGraph graph;
    private readonly uint[] keyStamp;
    private readonly int[] hitKeys;
    private readonly uint[] nodeStamp;
    private readonly int[] valueHit;
    private readonly uint[] valueHitStamp;
    private readonly double[] numberValue;
    private readonly uint[] numberStamp;
    private int hitCount;
    private uint epoch;
    private char[] buffer = new char[256];
    private FactSnapshot facts;

    /// <summary>Starts an event: a new epoch invalidates every key stamp and cached node result at once.</summary>
    [MethodImpl(Hot.Options)]
    internal void BeginEvent(FactSnapshot snapshot)
    {
        facts = snapshot;
        hitCount = 0;
        if (++epoch >= int.MaxValue)
        {
            Array.Clear(keyStamp);
            Array.Clear(nodeStamp);
            Array.Clear(valueHitStamp);
            Array.Clear(numberStamp);
            epoch = 1;
        }
    }

    /// <summary>Computes the signals of every slot (for the explanation, which looks at flows of any trigger).</summary>
    internal void ComputeAllSignals()
    {
        for (var s = 0; s < network.KeywordIndexes.Length; s++)
        {
            ScanKeywords(network.KeywordIndexes[s]);
        }

        for (var s = 0; s < network.ValueIndexes.Length; s++)
        {
            LookUpValue(s);
        }

        LookUpTags();
    }

    [MethodImpl(Hot.Options)]
    internal void ComputeSignals(TriggerPlan plan)
    {
        foreach (var s in plan.KeywordSlots)
        {
            ScanKeywords(network.KeywordIndexes[s]);
        }

        foreach (var s in plan.EqualitySlots)
        {
            LookUpValue(s);
        }

        if (plan.UsesTags)
        {
            LookUpTags();
        }
    }

    [MethodImpl(Hot.Options)]
    private void ScanKeywords(KeywordIndex index)
    {
        var text = TextOf(index.Path);
        if (text is null)
        {
            return;
        }

        var folded = Fold(text, collapseWhitespace: true);
        var sink = new KeywordSink(this, index, folded);
        index.Automaton.Scan(folded, ref sink);
    }

    /// <summary>Looks the path's folded value up; the key hit (at most one per slot) is also kept by slot for the pair index.</summary>
    [MethodImpl(Hot.Options)]
    private void LookUpValue(int slot)
    {
        var index = network.ValueIndexes[slot];
        var text = TextOf(index.Path);
        if (text is not null && index.TryGetKey(Fold(text, collapseWhitespace: false), out var key))
        {
            Mark(key);
            valueHit[slot] = key;
            valueHitStamp[slot] = epoch;
        }
    }

    [MethodImpl(Hot.Options)]
    private void LookUpTags()
    {
        var index = network.TagIndex;
        if (index.Count == 0)
        {
            return;
        }

        foreach (var tag in facts.Contact.Tags)
        {
            if (index.TryGetKey(Fold(tag, collapseWhitespace: false), out var key))
            {
                Mark(key);
            }
        }
    }

    /// <summary>The text value of a text path, or null when missing; the common paths without <see cref="PathResolver"/>'s generality.</summary>
    private string? TextOf(FieldPath path) => path.Id switch
    {
        PathId.MessageText => facts.Event.Message?.Text,
        PathId.ContactCountry => facts.Contact.Country,
        PathId.ContactLanguage => facts.Contact.Language,
        PathId.EventTag => facts.Event.Tag,
        _ => PathResolver.Resolve(path, facts).Text,
    };

    private ReadOnlySpan<char> Fold(string text, bool collapseWhitespace)
    {
        if (buffer.Length < text.Length)
        {
            buffer = new char[Math.Max(text.Length, buffer.Length * 2)];
        }

        return buffer.AsSpan(0, TextRules.Fold(text, buffer, collapseWhitespace));
    }

    private void Mark(int key)
    {
        if (keyStamp[key] != epoch)
        {
            keyStamp[key] = epoch;
            hitKeys[hitCount++] = key;
        }
    }

    private bool IsHit(int key) => keyStamp[key] == epoch;

    /// <summary>The node's result for the current event, computed at most once per event.</summary>
    [MethodImpl(Hot.Options)]
    internal bool EvaluateNode(int id)
    {
        var stamp = nodeStamp[id];
        if (stamp >> 1 == epoch)
        {
            return (stamp & 1) != 0;
        }

        var node = graph.Nodes[id];
        bool result;
        switch (node.Kind)
        {
            case NodeKind.All:
                result = true;
                for (var i = 0; i < node.Count && result; i++)
                {
                    result = EvaluateNode(graph.Items[node.First + i]);
                }

                break;
            case NodeKind.Any:
                result = false;
                for (var i = 0; i < node.Count && !result; i++)
                {
                    result = EvaluateNode(graph.Items[node.First + i]);
                }

                break;
            case NodeKind.Not:
                result = !EvaluateNode(node.First);
                break;
            case NodeKind.Atom:
                result = EvaluateAtom(graph.Atoms[node.First]);
                break;
            default:
                result = true;
                break;
        }

        nodeStamp[id] = (epoch << 1) | (result ? 1u : 0u);
        return result;
    }

    private bool EvaluateAtom(Atom atom) => atom.Kind switch
    {
        AtomKind.KeywordAny or AtomKind.TextIn or AtomKind.TagAny => AnyHit(atom.Keys),
        AtomKind.KeywordNone or AtomKind.TextNotIn or AtomKind.TagNone => !AnyHit(atom.Keys),
        AtomKind.KeywordAll => AllHit(atom.Keys),
        AtomKind.BusinessHours => ConditionSemantics.InBusinessHours(atom.Hours!, facts.Event.At),
        AtomKind.NumberCompare => ConditionSemantics.Compare(atom.Test!.Operator, NumberOf(atom.NumberSlot), atom.Test.Test.Number!.Value),
        AtomKind.TextOrNumberIn => AnyHit(atom.Keys) || ConditionSemantics.IsOneOfNumbers(atom.Test!.Test, NumberOf(atom.NumberSlot)),
        AtomKind.TextOrNumberNotIn => !AnyHit(atom.Keys) && !ConditionSemantics.IsOneOfNumbers(atom.Test!.Test, NumberOf(atom.NumberSlot)),
        _ => EvaluateGeneral(atom),
    };

    /// <summary>The number the slot's path reads as for this event (NaN: missing or not a number), read at most once per event.</summary>
    [MethodImpl(Hot.Options)]
    private double NumberOf(int slot)
    {
        if (numberStamp[slot] != epoch)
        {
            numberValue[slot] = ConditionSemantics.NumberOf(PathResolver.Resolve(network.NumberPaths[slot], facts));
            numberStamp[slot] = epoch;
        }

        return numberValue[slot];
    }

    private bool AnyHit(int[] keys)
    {
        foreach (var k in keys)
        {
            if (keyStamp[k] == epoch)
            {
                return true;
            }
        }

        return false;
    }

    private bool AllHit(int[] keys)
    {
        foreach (var k in keys)
        {
            if (keyStamp[k] != epoch)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A test no signal answers (<c>starts_with</c>, <c>matches</c>, numbers, flags, <c>exists</c>): its one meaning.</summary>
    private bool EvaluateGeneral(Atom atom) => ConditionSemantics.Holds(atom.Test!, PathResolver.Resolve(atom.Test!.Path, facts));

    /// <summary>Receives automaton hits: marks "found anywhere" and, where the edges allow it, "found as a whole word".</summary>
    private readonly ref struct KeywordSink(RuleSession session, KeywordIndex index, ReadOnlySpan<char> text) : IKeywordHitSink
    {
        private readonly ReadOnlySpan<char> text = text;

        [MethodImpl(Hot.Options)]
        public void OnHit(int pattern, int end)
        {
            ref readonly var info = ref index.Patterns[pattern];
            if (info.AnywhereKey >= 0)
            {
                session.Mark(info.AnywhereKey);
            }

            if (info.WordKey >= 0 && !session.IsHit(info.WordKey) && TextRules.IsWholeWord(text, end - info.Length, end, info.NeedLeft, info.NeedRight))
            {
                session.Mark(info.WordKey);
            }
        }
    }
}
