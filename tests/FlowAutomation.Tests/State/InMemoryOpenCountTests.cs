using FlowAutomation.Policy;
using FlowAutomation.State;

namespace FlowAutomation.Tests.State;

/// <summary>
/// The in-memory store counts each agent's open conversations as states are saved instead of walking every
/// conversation per read: the counts must be those a walk gives, after any mix of assigning, closing, reopening,
/// unassigning, kept drafts and lost races.
/// </summary>
public sealed class InMemoryOpenCountTests
{
    private static readonly string[] Agents = ["ana", "ben", "cy"];

    [Fact]
    public async Task CountOpenAsync_RandomSavesAndKeptDrafts_EqualsAWalkOfEveryConversation()
    {
        var random = new Random(15);
        var store = new InMemoryConversationStore();
        var at = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 2_000; i++)
        {
            var id = "c-" + random.Next(12);
            var stored = await store.FindAsync(id) ?? ConversationState.New(id);
            var changed = random.Next(6) switch
            {
                0 => stored.AssignTo(Agents[random.Next(Agents.Length)], null),
                1 => stored.MarkClosed(),
                2 => stored.RecordInbound(at.AddMinutes(i), PolicyProfile.TikTok), // reopens
                3 => stored.Unassigned(),
                4 => stored.WithTag("t" + random.Next(3)),
                _ => stored.AssignTo(Agents[random.Next(Agents.Length)], "support"),
            };
            var stale = random.Next(10) == 0; // a writer that lost the race
            var candidate = stale ? changed with { Version = changed.Version + 5 } : changed;
            var saved = random.Next(2) == 0 ? store.TryKeep(candidate.Draft(), []) : await store.TrySaveAsync(candidate);
            Assert.Equal(stale, saved is null);

            var counts = await store.CountOpenAsync(Agents);
            foreach (var agent in Agents)
            {
                var walked = 0;
                for (var c = 0; c < 12; c++)
                {
                    walked += await store.FindAsync("c-" + c) is { Closed: false } s && s.Assignee == agent ? 1 : 0;
                }

                Assert.Equal(walked, counts[agent]);
            }
        }
    }
}
