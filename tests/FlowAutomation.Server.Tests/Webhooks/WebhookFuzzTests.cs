using System.Text.Json;
using Dapper;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;

namespace FlowAutomation.Server.Tests.Webhooks;

/// <summary>
/// Every webhook endpoint, fed structured mutations of valid payloads, signed so that they reach the parsers and
/// the store (issue 9, item 1): the answer is never a 5xx while the store is up — a malformed body is a 4xx with a
/// reason — and an event that was taken never fails in the engine.
/// </summary>
public sealed class WebhookFuzzTests
{
    /// <summary>Flows that read what the webhooks carry: texts, referrals, lead fields, the contact's name.</summary>
    private static readonly Dictionary<string, string> Flows = new()
    {
        ["echo.yaml"] = """
            flow: echo
            on: message.received
            then:
              - tag: talked
              - set: { last: "{{message.text}}" }
              - reply: { text: "Hi {{ contact.name ?? 'there' }}, you said: {{message.text}}" }
            """,
        ["lead.yaml"] = """
            flow: lead
            on: lead.submitted
            then:
              - set: { email: "{{lead.fields.email}}" }
              - reply: { text: "Thanks{{ if lead.fields.full_name }} {{ lead.fields.full_name }}{{ end }} for {{lead.form_name}}" }
            """,
        ["ad.yaml"] = """
            flow: ad
            on: referral.received
            when: { message.referral.source: ad }
            then:
              - reply: { text: "Hello from ad {{message.referral.ad_id}}" }
            """,
    };

    private static readonly (string Path, JsonMutator Body)[] Samples =
    [
        ("/webhooks/infobip/tiktok", new(Payloads.InfobipText)),
        ("/webhooks/infobip/tiktok", new(Payloads.InfobipImage)),
        ("/webhooks/infobip/tiktok", new(Payloads.InfobipSharePost)),
        ("/webhooks/infobip/tiktok", new(Payloads.InfobipReferralAd)),
        ("/webhooks/infobip/tiktok", new(Payloads.InfobipReferralShortLink)),
        ("/webhooks/infobip/tiktok", new(Payloads.InfobipReaction)),
        ("/webhooks/infobip/reports", new(Payloads.InfobipDeliveryReport)),
        ("/webhooks/infobip/reports", new(Payloads.InfobipSeenReport)),
        ("/webhooks/tiktok", new(Payloads.TikTok("im_receive_msg", Payloads.TikTokTextContent))),
        ("/webhooks/tiktok", new(Payloads.TikTok("im_send_msg", Payloads.TikTokEchoContent.Replace("\"API\"", "\"APP\"", StringComparison.Ordinal)))),
        ("/webhooks/tiktok", new(Payloads.TikTok("im_referral_msg", Payloads.TikTokReferralAdContent))),
        ("/webhooks/tiktok", new(Payloads.TikTok("im_referral_msg", Payloads.TikTokReferralLinkContent))),
        ("/webhooks/tiktok", new(Payloads.TikTok("im_mark_read_msg", Payloads.TikTokReadContent))),
        ("/webhooks/tiktok", new(Payloads.TikTok("im_receive_msg_eu", Payloads.TikTokEuContent))),
        ("/webhooks/leads", new(Payloads.Lead)),
        ("/webhooks/leads", new(Payloads.Lead.Replace("\"fields\": {", "\"fields_\": {", StringComparison.Ordinal)
            .Replace("\"fields_\": {", "\"fields\": [{\"name\":\"email\",\"value\":\"a@b.c\"}], \"x\": {", StringComparison.Ordinal))),
    ];

    private static readonly string[] Endpoints = ["/webhooks/infobip/tiktok", "/webhooks/infobip/reports", "/webhooks/tiktok", "/webhooks/leads"];

    /// <summary>The variants of each kind tried on every node by the systematic pass.</summary>
    private static readonly (MutationKind Kind, int[] Variants)[] Systematic =
    [
        (MutationKind.InvalidUtf8, [0, 1, 4]),
        (MutationKind.InvalidUtf8InName, [2]),
        (MutationKind.UnpairedSurrogate, [0]),
        (MutationKind.WrongType, [0, 3, 5, 8, 9, 10]),
        (MutationKind.Null, [0]),
        (MutationKind.Missing, [0]),
        (MutationKind.HugeNumber, [0, 2, 7]),
        (MutationKind.OddString, [0, 5, 6]),
        (MutationKind.DeepNesting, [2, 3]),
        (MutationKind.DuplicateKey, [0, 1]),
        (MutationKind.InlineContent, [0]),
    ];

    [Fact]
    public async Task EveryEndpoint_EverySingleMutationOfEveryNode_NeverA5xx()
    {
        await using var live = await FuzzHostAsync();
        var failures = new List<string>();
        var requests = 0;

        foreach (var (path, body) in Samples)
        {
            for (var node = 0; node < body.NodeCount; node++)
            {
                foreach (var (kind, variants) in Systematic)
                {
                    foreach (var variant in variants)
                    {
                        Mutation[] mutations = [new(kind, node, variant)];
                        if (await CheckAsync(live, path, body.Write(mutations)) is { } problem)
                            failures.Add($"{path} {JsonMutator.Describe(mutations, null)}: {problem}");
                        requests++;
                    }
                }
            }
            for (var cut = 1; cut < 40; cut++)
            {
                var whole = body.Write([]);
                if (await CheckAsync(live, path, body.Write([], whole.Length * cut / 40)) is { } problem)
                    failures.Add($"{path} truncated at {cut}/40: {problem}");
                requests++;
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} requests failed:\n{string.Join("\n", failures.Take(30))}");
        Assert.True(requests > 5_000);
        await AssertNoEventFailedAsync(live);
    }

    [Fact]
    public async Task EveryEndpoint_RandomCombinationsOfMutations_NeverA5xx()
    {
        await using var live = await FuzzHostAsync();
        var mutation = from kind in Gen.Elements(Enum.GetValues<MutationKind>())
                       from target in Gen.Choose(0, 500)
                       from variant in Gen.Choose(0, 100)
                       select new Mutation(kind, target, variant);
        var cases = from sample in Gen.Choose(0, Samples.Length - 1)
                    from elsewhere in Gen.Frequency((4, Gen.Constant(-1)), (1, Gen.Choose(0, Endpoints.Length - 1)))
                    from mutations in Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(mutation, n))
                    from truncate in Gen.Frequency((5, Gen.Constant<int?>(null)), (1, Gen.Choose(0, 2000).Select(n => (int?)n)))
                    select (sample, elsewhere, mutations, truncate);

        Prop.ForAll(Arb.From(cases), c =>
        {
            var (path, body) = Samples[c.sample];
            var endpoint = c.elsewhere < 0 ? path : Endpoints[c.elsewhere];
            var problem = Task.Run(() => CheckAsync(live, endpoint, body.Write(c.mutations, c.truncate))).GetAwaiter().GetResult();
            return (problem is null).Label($"{endpoint} from {path}: {JsonMutator.Describe(c.mutations, c.truncate)}: {problem}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1_500));

        await AssertNoEventFailedAsync(live);
    }

    private static Task<LiveHarness> FuzzHostAsync() => LiveHarness.StartAsync(Flows, new Dictionary<string, string?>
    {
        ["Inbox:RetryDelay"] = "00:00:00",
        ["Infobip:BaseUrl"] = "", // nothing is sent: the fuzz is about taking and running events
    });

    /// <summary>Null when the answer is acceptable: 200, or a 4xx with a reason; otherwise what was wrong.</summary>
    private static async Task<string?> CheckAsync(LiveHarness live, string path, byte[] body)
    {
        HttpResponseMessage response;
        try
        {
            response = await live.Host.PostSignedBytesAsync(path, body);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return $"the service threw (a 500 outside the test server): {exception.GetType().Name}: {exception.Message}";
        }

        using (response)
            return Judge((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string? Judge(int status, string text)
    {
        if (status == 200)
            return null;
        if (status is not (400 or 413))
            return $"{status} {text}";
        try
        {
            return JsonDocument.Parse(text).RootElement.GetProperty("error").GetString() is { Length: > 0 } ? null : $"{status} without a reason";
        }
        catch (JsonException)
        {
            return $"{status} with a body that is not JSON: {text}";
        }
    }

    /// <summary>Waits until the inbox has run every event it took, then requires that none of them failed.</summary>
    private static async Task AssertNoEventFailedAsync(LiveHarness live)
    {
        await live.WaitForAsync(async () =>
        {
            await using var connection = await live.Database.OpenAsync();
            return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox WHERE status = 'pending'") == 0;
        }, "every taken event to run");
        await using var connection = await live.Database.OpenAsync();
        var failed = (await connection.QueryAsync<string>("SELECT dedup_key || ': ' || last_error FROM inbox WHERE status = 'failed' LIMIT 20")).ToList();
        Assert.True(failed.Count == 0, "events failed in the engine:\n" + string.Join("\n", failed));
        Assert.Equal(0, live.Host.App.Services.GetRequiredService<InboxProcessor>().Failed);
    }
}
