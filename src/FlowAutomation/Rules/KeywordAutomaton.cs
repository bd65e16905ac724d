using System.Collections.Frozen;

namespace FlowAutomation.Rules;

/// <summary>Receives the matches of a <see cref="KeywordAutomaton"/> scan. A (ref) struct, so that the scan loop is specialised and inlined.</summary>
internal interface IKeywordHitSink
{
    /// <summary>Pattern <paramref name="pattern"/> ends just before <paramref name="end"/>.</summary>
    void OnHit(int pattern, int end);
}

/// <summary>
/// An Aho-Corasick automaton over UTF-16 code units: one pass over a text reports every occurrence of every pattern,
/// overlapping ones included. Characters are mapped to classes (the characters that occur in some pattern, and one class
/// for all others); when states × classes is small enough the automaton is a dense DFA (one table read per character),
/// otherwise a goto table with failure links. Immutable after construction, so one instance serves every thread.
/// </summary>
internal sealed class KeywordAutomaton
{
    /// <summary>The largest dense table (states × classes entries) built; above it the sparse form is used.</summary>
    public const int DefaultDenseLimit = 1 << 21;

    private readonly int[] patternLengths;
    private readonly byte[] asciiClass = new byte[128];
    private readonly FrozenDictionary<char, int> otherClass;
    private readonly int width;
    private readonly int[]? dense;
    private readonly int[] fail;
    private readonly int[] edgeStart;
    private readonly int[] edgeClass;
    private readonly int[] edgeTarget;
    private readonly int[] outputStart;
    private readonly int[] outputs;

    /// <param name="patterns">Distinct, non-empty patterns, already folded.</param>
    /// <param name="denseLimit">The largest dense table to build.</param>
    public KeywordAutomaton(IReadOnlyList<string> patterns, int denseLimit = DefaultDenseLimit)
    {
        patternLengths = new int[patterns.Count];
        var alphabet = new SortedSet<char>();
        foreach (var pattern in patterns)
        {
            alphabet.UnionWith(pattern);
        }

        // Classes: 0 for characters that occur in no pattern, then one per character.
        var others = new Dictionary<char, int>();
        var cls = 1;
        foreach (var c in alphabet)
        {
            if (c < 128)
            {
                asciiClass[c] = (byte)cls;
            }
            else
            {
                others[c] = cls;
            }

            cls++;
        }

        // ASCII characters sort first, so their classes (at most 128) fit in a byte.
        otherClass = others.ToFrozenDictionary();
        width = cls;

        // The trie.
        var children = new List<SortedDictionary<int, int>> { new() };
        var terminal = new List<int> { -1 };
        for (var p = 0; p < patterns.Count; p++)
        {
            var pattern = patterns[p];
            patternLengths[p] = pattern.Length;
            var state = 0;
            foreach (var c in pattern)
            {
                var k = ClassOf(c);
                if (!children[state].TryGetValue(k, out var next))
                {
                    next = children.Count;
                    children[state][k] = next;
                    children.Add([]);
                    terminal.Add(-1);
                }

                state = next;
            }

            terminal[state] = p;
        }

        var count = children.Count;
        fail = new int[count];
        edgeStart = new int[count + 1];
        var edgeList = new List<(int Class, int Target)>();
        for (var s = 0; s < count; s++)
        {
            edgeStart[s] = edgeList.Count;
            foreach (var (k, t) in children[s])
            {
                edgeList.Add((k, t));
            }
        }

        edgeStart[count] = edgeList.Count;
        edgeClass = [.. edgeList.Select(e => e.Class)];
        edgeTarget = [.. edgeList.Select(e => e.Target)];

        // Failure links and outputs, breadth first (a state's failure is shallower, so it is done before it).
        var order = new List<int>(count) { 0 };
        var outputsOf = new List<int>[count];
        outputsOf[0] = [];
        for (var head = 0; head < order.Count; head++)
        {
            var s = order[head];
            foreach (var (k, t) in children[s])
            {
                var f = fail[s];
                while (s != 0 && f != 0 && !children[f].ContainsKey(k))
                {
                    f = fail[f];
                }

                fail[t] = s != 0 && children[f].TryGetValue(k, out var x) ? x : 0;
                outputsOf[t] = terminal[t] >= 0 ? [terminal[t], .. outputsOf[fail[t]]] : outputsOf[fail[t]];
                order.Add(t);
            }
        }

        outputStart = new int[count + 1];
        var flat = new List<int>();
        for (var s = 0; s < count; s++)
        {
            outputStart[s] = flat.Count;
            flat.AddRange(outputsOf[s]);
        }

        outputStart[count] = flat.Count;
        outputs = [.. flat];

        if ((long)count * width <= denseLimit)
        {
            dense = new int[count * width];
            foreach (var s in order)
            {
                for (var k = 1; k < width; k++)
                {
                    dense[(s * width) + k] = children[s].TryGetValue(k, out var t) ? t : s == 0 ? 0 : dense[(fail[s] * width) + k];
                }
            }
        }
    }

    public int PatternCount => patternLengths.Length;

    public int StateCount => fail.Length;

    public bool IsDense => dense is not null;

    public int PatternLength(int pattern) => patternLengths[pattern];

    /// <summary>Reports every occurrence of every pattern in <paramref name="text"/> to the sink, in order of end position.</summary>
    public void Scan<TSink>(ReadOnlySpan<char> text, ref TSink sink)
        where TSink : IKeywordHitSink, allows ref struct
    {
        var state = 0;
        var table = dense;
        for (var i = 0; i < text.Length; i++)
        {
            var k = ClassOf(text[i]);
            state = table is not null ? table[(state * width) + k] : Step(state, k);
            var o = outputStart[state];
            var end = outputStart[state + 1];
            for (; o < end; o++)
            {
                sink.OnHit(outputs[o], i + 1);
            }
        }
    }

    private int ClassOf(char c) => c < 128 ? asciiClass[c] : otherClass.Count != 0 && otherClass.TryGetValue(c, out var k) ? k : 0;

    private int Step(int state, int k)
    {
        if (k == 0)
        {
            return 0;
        }

        while (true)
        {
            var lo = edgeStart[state];
            var hi = edgeStart[state + 1] - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var c = edgeClass[mid];
                if (c == k)
                {
                    return edgeTarget[mid];
                }

                if (c < k)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            if (state == 0)
            {
                return 0;
            }

            state = fail[state];
        }
    }
}
