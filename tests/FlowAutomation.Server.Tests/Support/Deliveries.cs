namespace FlowAutomation.Server.Tests.Support;

/// <summary>
/// What the provider accepted, per customer, read against what one node would have sent: each customer's texts in
/// the order accepted, a message sent again right after itself counted once (a resend of an unmarked message), and
/// the sends that repeated an accepted message (the doubles).
/// </summary>
internal sealed record Deliveries(IReadOnlyDictionary<string, IReadOnlyList<string>> Texts, IReadOnlyList<ProviderSend> Doubles, int Accepted)
{
    public static Deliveries Of(IReadOnlyList<ProviderSend> accepted)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var doubles = new List<ProviderSend>();
        var texts = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var customer in accepted.OrderBy(s => s.Seq).GroupBy(s => s.To, StringComparer.Ordinal))
        {
            var list = new List<string>();
            string? previous = null;
            foreach (var send in customer)
            {
                if (!seen.Add(send.MessageId))
                    doubles.Add(send);
                if (send.MessageId != previous)
                    list.Add(send.Text);
                previous = send.MessageId;
            }
            texts[customer.Key] = list;
        }
        return new Deliveries(texts, doubles, accepted.Count);
    }

    /// <summary>The customers whose texts differ from <paramref name="expected"/>, one line each (empty when all match).</summary>
    public IReadOnlyList<string> Mismatches(IReadOnlyDictionary<string, IReadOnlyList<string>> expected) =>
    [
        .. expected.Where(e => !Texts.TryGetValue(e.Key, out var got) || !got.SequenceEqual(e.Value))
            .Select(e => $"{e.Key}: expected [{string.Join(" | ", e.Value)}], got [{string.Join(" | ", Texts.GetValueOrDefault(e.Key) ?? [])}]"),
        .. Texts.Keys.Except(expected.Keys).Select(k => $"{k}: unexpected [{string.Join(" | ", Texts[k])}]"),
    ];

    /// <summary>The figures for the test's output: sends, distinct messages, those in flight at the kill and the doubles.</summary>
    public string Report(string title, IReadOnlyCollection<ProviderSend> inFlightAtKill, int cutOff)
    {
        string Ids(IEnumerable<ProviderSend> sends) => string.Join(", ", sends.Select(s => s.MessageId).Order(StringComparer.Ordinal));
        return string.Join(Environment.NewLine,
            $"{title}: {Texts.Count} customers, {Accepted} sends accepted, {Accepted - Doubles.Count} distinct messages",
            $"  cut off at the kill (held, never answered, sent once after): {cutOff}",
            $"  in flight at the kill (accepted, not marked sent): {inFlightAtKill.Count} [{Ids(inFlightAtKill)}]",
            $"  sent twice: {Doubles.Count} [{Ids(Doubles)}]");
    }
}
