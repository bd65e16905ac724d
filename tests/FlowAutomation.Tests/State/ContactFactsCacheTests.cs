using FlowAutomation.State;

namespace FlowAutomation.Tests.State;

/// <summary>
/// A draft keeps the contact facts it made (ConversationState.CachedContact) for the states drafted from it: they must
/// be the state's own facts whenever they are used, and take no part in the state's value.
/// </summary>
public sealed class ContactFactsCacheTests
{
    [Fact]
    public void CachedContact_KeptByADraft_GivenAgainToTheStatesDraftedFromIt()
    {
        var draft = ConversationState.New("c-1", "u-1").Draft().ApplyContact(null, "Ann", "SG", null);
        var kept = draft.CachedContact(keep: true);

        var next = draft.Draft();

        Assert.Same(kept, next.CachedContact(keep: false));
        Assert.Equal(draft.Contact(), kept);
    }

    [Fact]
    public void CachedContact_TagOrProfileChangedSince_MakesTheFactsOfTheStateNow()
    {
        var draft = ConversationState.New("c-1", "u-1").Draft().ApplyContact(null, "Ann", "SG", null);
        var kept = draft.CachedContact(keep: true);

        var tagged = draft.Draft().ApplyTag("vip");
        var renamed = draft.Draft().ApplyContact(null, "Bea", null, null);

        Assert.NotSame(kept, tagged.CachedContact(keep: false));
        Assert.Contains("vip", tagged.CachedContact(keep: false).Tags);
        Assert.Equal("Bea", renamed.CachedContact(keep: false).Name);
        Assert.Equal(renamed.Contact(), renamed.CachedContact(keep: false));
    }

    [Fact]
    public void Equals_StatesThatDifferOnlyInWhatTheyCached_AreEqual()
    {
        var source = ConversationState.New("c-1", "u-1").WithTag("vip");
        var withFacts = source.Draft();
        withFacts.CachedContact(keep: true);
        var without = source.Draft();

        Assert.Equal(withFacts, without);
        Assert.Equal(withFacts.GetHashCode(), without.GetHashCode());
        Assert.NotEqual(withFacts, without.Draft().ApplyTag("lead"));
    }
}
