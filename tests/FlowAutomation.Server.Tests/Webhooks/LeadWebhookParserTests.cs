using System.Text;
using FlowAutomation.Model;
using FlowAutomation.Server.Inbox;
using FlowAutomation.Server.Tests.Support;
using FlowAutomation.Server.Webhooks;

namespace FlowAutomation.Server.Tests.Webhooks;

public sealed class LeadWebhookParserTests
{
    private static readonly FakeTimeProvider Time = TestClock.Create();
    private readonly LeadWebhookParser _parser = new(Time);

    private WebhookParseResult Parse(string json) => _parser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_FullLead_IsLeadSubmittedWithFormAdCampaignAndFields()
    {
        var envelope = Assert.IsType<InboundEnvelope>(Assert.Single(Parse(Payloads.Lead).Records));

        Assert.Equal(WebhookProvider.LeadAds, envelope.Provider);
        Assert.Equal("leads:lead:lead-1001", envelope.DedupKey);
        Assert.Equal("tt-user-1", envelope.ContactId);
        Assert.Equal("tt-conv-1", envelope.ConversationId);
        Assert.Equal("SG", envelope.ContactCountry);
        Assert.Equal("Alice Tan", envelope.ContactName);
        Assert.Equal(EventKind.LeadSubmitted, envelope.Event.Kind);
        Assert.Equal(new DateTimeOffset(2025, 6, 2, 8, 58, 0, TimeSpan.Zero), envelope.Event.At);
        var lead = envelope.Event.Lead!;
        Assert.Equal(("form-5", "Quote request", "ad-9", "camp-3"), (lead.FormId, lead.FormName, lead.AdId, lead.CampaignId));
        Assert.Equal("alice@example.com", lead.Fields["EMAIL"]);
        Assert.Equal("1500", lead.Fields["budget"]);
        Assert.Equal("sofa, lamp", lead.Fields["interests"]);
    }

    [Fact]
    public void Parse_NoUserAndFieldList_ContactIsTheLeadAndNoConversation()
    {
        var envelope = Assert.IsType<InboundEnvelope>(Assert.Single(Parse("""
            {"event":"lead.submitted","lead_id":"L9","create_time":1748854800,"page_id":"p-1",
             "fields":[{"name":"email","value":"bob@example.com"},{"name":"consent","value":true}]}
            """).Records));

        Assert.Equal("lead:L9", envelope.ContactId);
        Assert.Null(envelope.ConversationId);
        Assert.Equal("p-1", envelope.Event.Lead!.FormId);
        Assert.Equal("bob@example.com", envelope.Event.Lead.Fields["email"]);
        Assert.Equal("true", envelope.Event.Lead.Fields["consent"]);
        Assert.Equal(Time.GetUtcNow(), envelope.Event.At);
    }

    [Theory]
    [InlineData("{", "body is not JSON")]
    [InlineData("\"lead\"", "body is not a JSON object")]
    [InlineData("""{"lead_id":"L"}""", "missing event")]
    [InlineData("""{"event":"lead.updated","lead_id":"L"}""", "unsupported event 'lead.updated' (expected 'lead.submitted')")]
    [InlineData("""{"event":"lead.submitted"}""", "missing lead_id")]
    [InlineData("""{"event":"lead.submitted","lead_id":"L","fields":"x"}""", "fields is neither an object nor an array")]
    [InlineData("""{"event":"lead.submitted","lead_id":"L","fields":[{"value":"x"}]}""", "missing fields[0].name")]
    [InlineData("""{"event":"lead.submitted","lead_id":"L","user":"u"}""", "user is not an object")]
    public void Parse_Malformed_FailsWithReason(string json, string reason)
    {
        Assert.Equal(reason, Parse(json).Rejection!.Reason);
    }
}
