using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace FlowAutomation.Rules;

/// <summary>Receives the matches of a <see cref="KeywordAutomaton"/> scan. A (ref) struct, so that the scan loop is specialised and inlined.</summary>
internal interface IKeywordHitSink
{
    /// <summary>Pattern <paramref name="pattern"/> ends just before <paramref name="end"/>.</summary>
    void OnHit(int pattern, int end);
}

/// <summary>
/// An Aho-Corasick automaton over UTF-16 code units: one pass over a text reports every occurrence of every pattern,
/// overlapping ones included. Characters map to classes (one per character that occurs in some pattern, and class 0
/// for all others, which always leads back to the root). Two forms, chosen by size:
/// <list type="bullet">
/// <item>dense: a full transition table (one read per character, four lanes of the text at a time), unless too large;</item>
/// <item>sparse: each state's goto edges side by side; a dense row for the root; failure links for mismatches.</item>
/// </list>
/// States are numbered breadth first, so that the shallow states every word passes through share cache lines.
/// Transitions into a state with outputs carry the sign bit, so the scan looks at outputs only on a match.
/// Immutable after construction, so one instance serves every thread.
/// </summary>
internal sealed class KeywordAutomaton
{
    /// <summary>The largest dense table (states × classes entries) built: 4 MB; above it the sparse form is used.</summary>
    public const int DefaultDenseLimit = 1 << 20;

    private const int OutputFlag = int.MinValue;

    private readonly byte[] asciiClass = new byte[128];
    private readonly FrozenDictionary<char, int> otherClass;
    private readonly int width;
    private readonly ulong widthReciprocal;
    private readonly int[] outputStart;
    private readonly int[] outputs;

    // Dense form: entries are the target state's row offset (state × width), bit 0 set when it has outputs.
    private readonly ushort[]? dense16;
    private readonly int[]? dense32;

    // Sparse form: root row (target | OutputFlag), edges as (class, target | OutputFlag) pairs, failure links.
    private readonly int[] rootNext = [];
    private readonly int[] edgeStart = [];
    private readonly int[] edges = [];
    private readonly int[] fail = [];

    /// <param name="patterns">Distinct, non-empty patterns, already folded.</param>
    /// <param name="denseLimit">The largest dense table to build (states × classes).</param>
    public KeywordAutomaton(IReadOnlyList<string> patterns, int denseLimit = DefaultDenseLimit)
    {
        PatternCount = patterns.Count;

        // Classes: 0 for characters in no pattern; ASCII characters sort first, so their classes fit in a byte.
        var others = new Dictionary<char, int>();
        var cls = 1;
        foreach (var c in new SortedSet<char>(patterns.SelectMany(p => p)))
        {
            if (c < 128)
            {
                asciiClass[c] = (byte)cls++;
            }
            else
            {
                others[c] = cls++;
            }
        }

        otherClass = others.ToFrozenDictionary();

        // An even width keeps bit 0 of every row offset free for the dense form's output mark.
        width = cls + (cls & 1);
        widthReciprocal = (ulong.MaxValue / (ulong)width) + 1;

        var trie = KeywordTrie.Build(patterns, ClassOf).BreadthFirstNumbered();
        var count = trie.Children.Count;
        outputStart = new int[count + 1];
        var flat = new List<int>();
        for (var s = 0; s < count; s++)
        {
            outputStart[s] = flat.Count;
            flat.AddRange(trie.Outputs[s]);
        }

        outputStart[count] = flat.Count;
        outputs = [.. flat];
        StateCount = count;

        if ((long)count * width <= denseLimit)
        {
            // Targets first (a missing edge goes where the failure state goes), then encode them as row offsets.
            var targets = new int[count * width];
            foreach (var s in trie.BreadthFirst)
            {
                for (var k = 1; k < width; k++)
                {
                    targets[(s * width) + k] = trie.Children[s].TryGetValue(k, out var t) ? t : s == 0 ? 0 : targets[(trie.Fail[s] * width) + k];
                }
            }

            // Row offsets, with bit 0 set when the target has outputs; 16-bit when every offset fits.
            var entries = targets.Select(t => (t * width) | (outputStart[t + 1] > outputStart[t] ? 1 : 0)).ToArray();
            if ((long)count * width <= ushort.MaxValue)
            {
                dense16 = [.. entries.Select(e => (ushort)e)];
            }
            else
            {
                dense32 = entries;
            }

            return;
        }

        fail = [.. trie.Fail];
        rootNext = new int[width];
        foreach (var (k, t) in trie.Children[0])
        {
            rootNext[k] = Encode(t, t);
        }

        edgeStart = new int[count + 1];
        var edgeList = new List<int>();
        for (var s = 0; s < count; s++)
        {
            edgeStart[s] = edgeList.Count / 2;
            foreach (var (k, t) in trie.Children[s])
            {
                edgeList.Add(k);
                edgeList.Add(Encode(t, t));
            }
        }

        edgeStart[count] = edgeList.Count / 2;
        edges = [.. edgeList];
    }

    public int PatternCount { get; }

    public int StateCount { get; }

    public bool IsDense => dense16 is not null || dense32 is not null;

    /// <summary>Reports every occurrence of every pattern in <paramref name="text"/> to the sink (not necessarily in text order).</summary>
    [MethodImpl(Hot.Options)]
    public void Scan<TSink>(ReadOnlySpan<char> text, ref TSink sink)
        where TSink : IKeywordHitSink, allows ref struct
    {
        if (dense16 is not null)
        {
            ScanLanes(dense16, text, ref sink);
            return;
        }

        if (dense32 is not null)
        {
            ScanLanes(dense32, text, ref sink);
            return;
        }

        var state = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var next = Step(state, ClassOf(text[i]));
            state = next & ~OutputFlag;
            if (next < 0)
            {
                Report(state, i + 1, ref sink);
            }
        }
    }

    /// <summary>
    /// Four lanes walked in lockstep: each table read depends on the previous one in its lane, so four independent
    /// lanes let the processor overlap their cache misses. A lane starts at a character of class 0 (in no pattern),
    /// where every state returns to the root and no match can span, so the lanes together see every match.
    /// </summary>
    [MethodImpl(Hot.Options)]
    private void ScanLanes<TEntry, TSink>(TEntry[] table, ReadOnlySpan<char> text, ref TSink sink)
        where TEntry : unmanaged, IBinaryInteger<TEntry>
        where TSink : IKeywordHitSink, allows ref struct
    {
        if (text.Length < 32)
        {
            ScanDense(table, text, 0, 0, ref sink);
            return;
        }

        var s1 = LaneStart(text, text.Length / 4, 0);
        var s2 = LaneStart(text, text.Length / 2, s1);
        var s3 = LaneStart(text, text.Length * 3 / 4, s2);
        var common = Math.Min(Math.Min(s1, s2 - s1), Math.Min(s3 - s2, text.Length - s3));
        int o0 = 0, o1 = 0, o2 = 0, o3 = 0;
        for (var j = 0; j < common; j++)
        {
            var n0 = Widths.ToInt(table[o0 + ClassOf(text[j])]);
            var n1 = Widths.ToInt(table[o1 + ClassOf(text[s1 + j])]);
            var n2 = Widths.ToInt(table[o2 + ClassOf(text[s2 + j])]);
            var n3 = Widths.ToInt(table[o3 + ClassOf(text[s3 + j])]);
            o0 = n0 & ~1;
            o1 = n1 & ~1;
            o2 = n2 & ~1;
            o3 = n3 & ~1;
            if (((n0 | n1 | n2 | n3) & 1) != 0)
            {
                ReportEntry(n0, j + 1, ref sink);
                ReportEntry(n1, s1 + j + 1, ref sink);
                ReportEntry(n2, s2 + j + 1, ref sink);
                ReportEntry(n3, s3 + j + 1, ref sink);
            }
        }

        ScanDense(table, text[..s1], common, o0, ref sink);
        ScanDense(table, text[..s2], s1 + common, o1, ref sink);
        ScanDense(table, text[..s3], s2 + common, o2, ref sink);
        ScanDense(table, text, s3 + common, o3, ref sink);
    }

    /// <summary>The first position at or after <paramref name="from"/> (and not before <paramref name="floor"/>) holding a class-0 character, or the end.</summary>
    private int LaneStart(ReadOnlySpan<char> text, int from, int floor)
    {
        var p = Math.Max(from, floor);
        while (p < text.Length && ClassOf(text[p]) != 0)
        {
            p++;
        }

        return p;
    }

    /// <summary>Scans <c>text[from..]</c> starting at row <paramref name="offset"/>.</summary>
    [MethodImpl(Hot.Options)]
    private void ScanDense<TEntry, TSink>(TEntry[] table, ReadOnlySpan<char> text, int from, int offset, ref TSink sink)
        where TEntry : unmanaged, IBinaryInteger<TEntry>
        where TSink : IKeywordHitSink, allows ref struct
    {
        for (var i = from; i < text.Length; i++)
        {
            var next = Widths.ToInt(table[offset + ClassOf(text[i])]);
            offset = next & ~1;
            if ((next & 1) != 0)
            {
                ReportEntry(next, i + 1, ref sink);
            }
        }
    }

    /// <summary>Reports the outputs of a dense entry's state, if it has any (bit 0).</summary>
    private void ReportEntry<TSink>(int entry, int end, ref TSink sink)
        where TSink : IKeywordHitSink, allows ref struct
    {
        if ((entry & 1) != 0)
        {
            // (entry & ~1) / width, by multiplying with the reciprocal (Lemire's fast division).
            Report((int)MultiplyHigh(widthReciprocal, (uint)(entry & ~1)), end, ref sink);
        }
    }

    /// <summary>
    /// The high 64 bits of <paramref name="a"/> × <paramref name="b"/>: <c>Math.BigMul</c>'s, in two 64-bit products (the
    /// 32-bit <paramref name="b"/> keeps their sum below 2^64). <c>Math.BigMul</c> asks for BMI2, which crossgen2 does not
    /// assume, so its callers were left to the JIT in the linux-x64 tool (docs/performance.md, "Seventeenth pass").
    /// </summary>
    internal static ulong MultiplyHigh(ulong a, uint b) => ((a >> 32) * b + (((a & uint.MaxValue) * b) >> 32)) >> 32;

    private void Report<TSink>(int state, int end, ref TSink sink)
        where TSink : IKeywordHitSink, allows ref struct
    {
        for (var o = outputStart[state]; o < outputStart[state + 1]; o++)
        {
            sink.OnHit(outputs[o], end);
        }
    }

    private int Encode(int value, int state) => outputStart[state + 1] > outputStart[state] ? value | OutputFlag : value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ClassOf(char c) => c < 128 ? asciiClass[c] : OtherClassOf(c);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int OtherClassOf(char c) => otherClass.Count != 0 && otherClass.TryGetValue(c, out var k) ? k : 0;

    private int Step(int state, int k)
    {
        if (k == 0)
        {
            return 0;
        }

        while (state != 0)
        {
            for (var e = edgeStart[state]; e < edgeStart[state + 1]; e++)
            {
                if (edges[2 * e] == k)
                {
                    return edges[(2 * e) + 1];
                }
            }

            state = fail[state];
        }

        return rootNext[k];
    }
}
