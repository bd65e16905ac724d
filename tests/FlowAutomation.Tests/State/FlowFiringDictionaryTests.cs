using System.Text.Json;
using FlowAutomation.State;
using FsCheck;
using FsCheck.Fluent;

namespace FlowAutomation.Tests.State;

/// <summary>
/// <see cref="FlowFiringDictionary"/> against a reference dictionary: random sequences of single and batched changes,
/// every map checked against the reference after each change and again at the end (no change writes into a map made
/// before it), and its JSON against the bytes the stores wrote for the <c>ImmutableDictionary</c> it replaced.
/// </summary>
public sealed class FlowFiringDictionaryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    // Ids that sort differently by culture, by case and by length, with characters JSON escapes; and enough of them that
    // the changes kept over the base pass FlowFiringDictionary.ChangeLimit or ChangedIdsLimit and fold into it.
    private static readonly string[] Ids =
        ["welcome", "Welcome", "w", "wé", "price-inquiry", "Z", "a\"quote", "ä", "f10", "f9", "f1", "<tag>", "日本", .. Enumerable.Range(0, 50).Select(i => "g" + i)];

    [Fact]
    public void SetItems_RandomChanges_MatchAReferenceDictionaryAndLeaveEarlierMapsAsTheyWere()
    {
        // Each change: one id or a batch of ids (repeats allowed) at one time, in one of three offsets.
        var change =
            from ids in Gen.ListOf(Gen.Choose(0, Ids.Length - 1)).Select(l => l.Select(i => Ids[i]).ToArray())
            from minutes in Gen.Choose(0, 5)
            from offset in Gen.Choose(-1, 1)
            from single in Gen.Elements(true, false)
            select (Ids: ids, At: At(minutes, offset), Single: single);

        Prop.ForAll(Gen.ListOf(change).Select(c => c.ToArray()).ToArbitrary(), Check)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithEndSize(30));
    }

    [Fact]
    public void SetItems_NothingChanges_ReturnsTheSameMap()
    {
        var map = FlowFiringDictionary.Empty.SetItems(["b", "a"], T0);

        Assert.Same(map, map.SetItems(["a", "b", "a"], T0));
        Assert.Same(map, map.SetItems([], T0));
        Assert.NotSame(map, map.SetItem("a", T0.ToOffset(TimeSpan.FromHours(7)))); // the same instant in another offset is a change
    }

    [Fact]
    public void SetItems_TimesBeforeAtAndAfterTheLatest_SameMapOnlyWhenEveryIdHoldsItsTime()
    {
        // Maps made each way (created, changed, folded), checked at the latest time they hold, at an earlier one, in
        // another offset and after it: the same map exactly when every id already fired at that very time.
        var created = FlowFiringDictionary.Create([new("a", T0), new("b", T0.AddMinutes(5)), new("c", T0.AddMinutes(5))]);
        var changed = created.SetItems(["d", "a"], T0.AddMinutes(9));
        var folded = changed;
        for (var e = 0; e < FlowFiringDictionary.ChangeLimit + 2; e++)
        {
            folded = folded.SetItem("e", T0.AddMinutes(10 + e));
        }

        var latest = T0.AddMinutes(10 + FlowFiringDictionary.ChangeLimit + 1);
        Assert.Same(created, created.SetItems(["b", "c"], T0.AddMinutes(5)));
        Assert.Same(created, created.SetItem("a", T0));
        Assert.NotSame(created, created.SetItems(["b", "a"], T0.AddMinutes(5)));
        Assert.NotSame(created, created.SetItem("c", T0.AddMinutes(6)));
        Assert.Same(changed, changed.SetItems(["a", "d"], T0.AddMinutes(9)));
        Assert.Same(changed, changed.SetItem("b", T0.AddMinutes(5)));
        Assert.NotSame(changed, changed.SetItem("d", T0.AddMinutes(9).ToOffset(TimeSpan.FromHours(-3))));
        Assert.NotSame(changed, changed.SetItem("a", T0.AddMinutes(9).AddTicks(1)));
        Assert.Same(folded, folded.SetItem("e", latest));
        Assert.Same(folded, folded.SetItems(["a", "d", "d"], T0.AddMinutes(9)));
        Assert.NotSame(folded, folded.SetItem("e", latest.AddTicks(1)));
        Assert.Equal(latest, folded.SetItem("e", latest.AddTicks(1)).SetItem("e", latest)["e"]);
        Assert.Throws<ArgumentNullException>(() => folded.SetItems([null!, "e"], latest.AddMinutes(1)));
    }

    [Fact]
    public void SetItems_ManyEvents_FoldsTheRecentFiringsIntoTheBase()
    {
        // 200 events of 5 flows out of 100: the overlay folds many times over; the map ends as the reference says.
        var ids = Enumerable.Range(0, 100).Select(i => "f" + i).ToArray();
        var reference = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var map = FlowFiringDictionary.Empty;
        for (var e = 0; e < 200; e++)
        {
            string[] fired = [.. Enumerable.Range(0, 5).Select(k => ids[((e * 37) + (k * 11)) % ids.Length])];
            map = map.SetItems(fired, T0.AddSeconds(e));
            foreach (var id in fired)
            {
                reference[id] = T0.AddSeconds(e);
            }
        }

        Assert.Equal(reference.OrderBy(p => p.Key, StringComparer.Ordinal), map);
        Assert.Equal(reference.Keys.Order(StringComparer.Ordinal), map.Keys.ToArray());
        Assert.Equal(reference.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value), map.Values.ToArray());
    }

    [Fact]
    public void SetItems_FoldsOfDisjointMapsOneAfterAnother_EachHoldsOnlyItsOwnIds()
    {
        // Each fold sorts its changed ids in a pooled array: a fold of fewer ids after one of more (another map, other
        // ids) must not read the first's ids left in that array.
        for (var round = 0; round < 6; round++)
        {
            var prefix = "r" + round + "-";
            var width = round % 2 == 0 ? 40 : 3;
            var reference = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            var map = FlowFiringDictionary.Empty;
            for (var e = 0; e < 40; e++)
            {
                string[] fired = [.. Enumerable.Range(0, width).Select(k => prefix + ((e + k) % 50))];
                map = map.SetItems(fired, T0.AddSeconds(e));
                foreach (var id in fired)
                {
                    reference[id] = T0.AddSeconds(e);
                }
            }

            Assert.Equal(reference.OrderBy(p => p.Key, StringComparer.Ordinal), map);
            Assert.All(map.Keys, k => Assert.StartsWith(prefix, k, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void SetItems_BatchLargerThanTheStackScratch_FoldsAsTheReferenceSays()
    {
        // 300 ids at once over a map with changes kept: the fold's times and order go on the heap, not the stack.
        var reference = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var map = FlowFiringDictionary.Empty;
        for (var e = 0; e < 5; e++)
        {
            map = map.SetItem("early" + e, T0.AddSeconds(e));
            reference["early" + e] = T0.AddSeconds(e);
        }

        string[] batch = [.. Enumerable.Range(0, 300).Select(i => "b" + (i % 250)), "early1"];
        map = map.SetItems(batch, T0.AddMinutes(5));
        foreach (var id in batch)
        {
            reference[id] = T0.AddMinutes(5);
        }

        Assert.Equal(reference.OrderBy(p => p.Key, StringComparer.Ordinal), map);
    }

    [Fact]
    public void Indexer_FlowThatNeverFired_ThrowsKeyNotFound()
    {
        var map = FlowFiringDictionary.Empty.SetItem("welcome", T0);

        Assert.Equal(T0, map["welcome"]);
        Assert.Throws<KeyNotFoundException>(() => map["Welcome"]);
        Assert.False(map.ContainsKey("Welcome"));
        Assert.False(map.TryGetValue("other", out _));
    }

    [Fact]
    public void Create_IdGivenTwice_KeepsItsLastTime()
    {
        var map = FlowFiringDictionary.Create([new("b", T0), new("a", T0), new("b", T0.AddHours(1))]);

        Assert.Equal(["a", "b"], map.Keys.ToArray());
        Assert.Equal(T0.AddHours(1), map["b"]);
        Assert.Same(FlowFiringDictionary.Empty, FlowFiringDictionary.Create([]));
    }

    [Fact]
    public void Json_RandomMaps_WriteTheBytesOfTheSortedDictionaryAndReadBack()
    {
        var maps = Gen.ListOf(
                from id in Gen.Choose(0, Ids.Length - 1)
                from ticks in Gen.Choose(0, int.MaxValue)
                from offset in Gen.Choose(-1, 1)
                select new KeyValuePair<string, DateTimeOffset>(Ids[id], At(0, offset).AddTicks(ticks)))
            .Select(FlowFiringDictionary.Create);

        Prop.ForAll(maps.ToArbitrary(), map =>
        {
            var json = JsonSerializer.Serialize(map);

            // What the stores wrote for the ImmutableDictionary: a SortedDictionary (ordinal) through the serializer.
            Assert.Equal(JsonSerializer.Serialize(new SortedDictionary<string, DateTimeOffset>(map.ToDictionary(), StringComparer.Ordinal)), json);
            var read = JsonSerializer.Deserialize<FlowFiringDictionary>(json)!;
            Assert.Equal(map.Keys.ToArray(), read.Keys.ToArray());
            Assert.Equal(map.Values.Select(Exact), read.Values.Select(Exact));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Fact]
    public void Json_StoredState_ReadsTheFlowsFiredObjectAsWritten()
    {
        const string Stored = """{"ConversationId":"c-1","FlowsFired":{"price-inquiry":"2026-03-02T09:07:00+00:00","welcome":"2026-03-02T16:00:00.0012345+07:00"}}""";

        var state = JsonSerializer.Deserialize<ConversationState>(Stored)!;

        Assert.Equal(["price-inquiry", "welcome"], state.FlowsFired.Keys.ToArray());
        Assert.Equal("2026-03-02T16:00:00.0012345+07:00", state.FlowsFired["welcome"].ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(state.HasFired("welcome", FlowAutomation.Model.OncePer.Conversation));
    }

    private static void Check((string[] Ids, DateTimeOffset At, bool Single)[] changes)
    {
        var reference = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var map = FlowFiringDictionary.Empty;
        var made = new List<(FlowFiringDictionary Map, Dictionary<string, DateTimeOffset> Expected)>();
        foreach (var (ids, at, single) in changes)
        {
            if (single)
            {
                foreach (var id in ids)
                {
                    map = map.SetItem(id, at);
                }
            }
            else
            {
                map = map.SetItems(ids, at);
            }

            foreach (var id in ids)
            {
                reference[id] = at;
            }

            AssertSame(reference, map);
            made.Add((map, new Dictionary<string, DateTimeOffset>(reference, StringComparer.Ordinal)));
        }

        Assert.All(made, m => AssertSame(m.Expected, m.Map));
    }

    private static void AssertSame(Dictionary<string, DateTimeOffset> expected, FlowFiringDictionary map)
    {
        Assert.Equal(expected.Count, map.Count);
        Assert.Equal(expected.Count == 0, map.IsEmpty);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), map.Keys.ToArray());
        Assert.Equal(map.Keys.ToArray(), map.Select(p => p.Key));
        foreach (var id in Ids)
        {
            Assert.Equal(expected.TryGetValue(id, out var at), map.TryGetValue(id, out var found));
            Assert.Equal(Exact(at), Exact(found));
        }
    }

    /// <summary>A time with its offset (DateTimeOffset's equality compares the instant only).</summary>
    private static (DateTime, TimeSpan) Exact(DateTimeOffset at) => (at.DateTime, at.Offset);

    private static DateTimeOffset At(int minutes, int offset) =>
        (T0 + TimeSpan.FromMinutes(minutes)).ToOffset(TimeSpan.FromHours(offset * 7));
}
