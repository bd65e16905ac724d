namespace FlowAutomation.Rules;

/// <summary>The trie with failure links and output lists (a state's outputs include those of its failure chain).</summary>
internal sealed class KeywordTrie
{
    public List<SortedDictionary<int, int>> Children { get; } = [[]];

    public List<int> Fail { get; } = [0];

    public List<List<int>> Outputs { get; } = [[]];

    public List<int> BreadthFirst { get; } = [0];

    public static KeywordTrie Build(IReadOnlyList<string> patterns, Func<char, int> classOf)
    {
        var trie = new KeywordTrie();
        var terminal = new List<int> { -1 };
        for (var p = 0; p < patterns.Count; p++)
        {
            var state = 0;
            foreach (var c in patterns[p])
            {
                var k = classOf(c);
                if (!trie.Children[state].TryGetValue(k, out var next))
                {
                    next = trie.Children.Count;
                    trie.Children[state][k] = next;
                    trie.Children.Add([]);
                    trie.Fail.Add(0);
                    trie.Outputs.Add([]);
                    terminal.Add(-1);
                }

                state = next;
            }

            terminal[state] = p;
        }

        // Breadth first: a state's failure is shallower, so it is complete before the state needs it.
        for (var head = 0; head < trie.BreadthFirst.Count; head++)
        {
            var s = trie.BreadthFirst[head];
            foreach (var (k, t) in trie.Children[s])
            {
                var f = trie.Fail[s];
                while (s != 0 && f != 0 && !trie.Children[f].ContainsKey(k))
                {
                    f = trie.Fail[f];
                }

                trie.Fail[t] = s != 0 && trie.Children[f].TryGetValue(k, out var x) ? x : 0;
                trie.Outputs[t] = terminal[t] >= 0 ? [terminal[t], .. trie.Outputs[trie.Fail[t]]] : trie.Outputs[trie.Fail[t]];
                trie.BreadthFirst.Add(t);
            }
        }

        return trie;
    }

    /// <summary>
    /// The same trie with states numbered breadth first: the shallow states, which every word of a text passes
    /// through, get neighbouring rows and stay in the fastest cache.
    /// </summary>
    public KeywordTrie BreadthFirstNumbered()
    {
        var number = new int[Children.Count];
        for (var i = 0; i < BreadthFirst.Count; i++)
        {
            number[BreadthFirst[i]] = i;
        }

        var result = new KeywordTrie();
        result.Children.Clear();
        result.Fail.Clear();
        result.Outputs.Clear();
        result.BreadthFirst.Clear();
        foreach (var s in BreadthFirst)
        {
            result.Children.Add(new SortedDictionary<int, int>(Children[s].ToDictionary(e => e.Key, e => number[e.Value])));
            result.Fail.Add(number[Fail[s]]);
            result.Outputs.Add(Outputs[s]);
            result.BreadthFirst.Add(result.BreadthFirst.Count);
        }

        return result;
    }
}
