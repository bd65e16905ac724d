using System.Collections.Immutable;
using FlowAutomation.Model;

namespace FlowAutomation.Rules;

/// <summary>
/// Forward chaining of <c>contact.tagged</c> events, as both rule engines do it (docs/rule-network.md, "Forward
/// chaining"): the tag changes of one level's activations, applied in order, give the next level's contact and the
/// tags that raise its events.
/// </summary>
internal static class TagChain
{
    /// <summary>
    /// Applies one tag change: an untag removes the tag (compared folded), a tag adds it when the contact does not hold it
    /// yet and then raises an event for it.
    /// </summary>
    public static void Apply(ref ImmutableHashSet<string> tags, TagChange change, ref List<string>? raised)
    {
        if (!change.Add)
        {
            tags = RemoveFolded(tags, change.Tag);
        }
        else if (!HoldsFolded(tags, change.Tag))
        {
            tags = tags.Add(change.Tag);
            (raised ??= []).Add(change.Tag);
        }
    }

    /// <summary>The event a raised tag makes: the original event's time and conversation, the level's contact.</summary>
    public static FactSnapshot Raise(FactSnapshot root, ContactFacts contact, string tag) =>
        new(FlowEvent.ContactTagged(root.Event.At, tag), contact, root.Conversation);

    private static bool HoldsFolded(ImmutableHashSet<string> tags, string tag)
    {
        foreach (var held in tags)
        {
            if (TextRules.FoldedEquals(held, tag))
            {
                return true;
            }
        }

        return false;
    }

    private static ImmutableHashSet<string> RemoveFolded(ImmutableHashSet<string> tags, string tag)
    {
        foreach (var held in tags)
        {
            if (TextRules.FoldedEquals(held, tag))
            {
                tags = tags.Remove(held);
            }
        }

        return tags;
    }
}
