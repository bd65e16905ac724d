namespace FlowAutomation.Tests.TestSupport;

/// <summary>Valid flow files that use every part of the language, for property tests that break them.</summary>
internal static class SampleFlows
{
    public const string PriceInquiry = """
        # yaml-language-server: $schema=../docs/flow.schema.json
        flow: price-inquiry
        name: Price inquiry auto-reply
        description: Answer price questions during business hours
        enabled: true
        priority: 100
        on: message.received
        once_per: conversation
        when:
          message.text: { contains_any: [price, cost, "how much"] }
          contact.tags: { lacks: customer }
          any:
            - business_hours: { days: [mon, tue, wed, thu, fri], from: "09:00", to: "18:00", tz: Asia/Singapore }
            - contact.country: { in: [SG, MY] }
        then:
          - tag: price-asked
          - assign: { team: sales, strategy: round_robin }
          - reply: { text: "Hi {{ contact.name ?? 'there' }}! Here is our price list." }
          - reply: { image: "https://cdn.shop.example/price-list.png" }
          - follow_up:
              after: 24h
              unless: customer_replied
              then:
                - reply: { text: "Any questions about pricing{{ if contact.name }}, {{ contact.name }}{{ end }}?" }
          - stop: true
        """;

    public const string LeadNudge = """
        flow: lead-thanks
        on: lead.submitted
        when:
          lead.fields.email: { exists: true }
          not:
            contact.tags: { has_any: [customer, spam] }
        then:
          - set:
              email: "{{ lead.fields.email }}"
              first_name: '{{ lead.fields.name | string.split " " | array.first }}'
          - reply:
              text: |
                Thanks for signing up for {{ lead.form_name ?? "our offer" }}, {{ lead.fields.name ?? "friend" | string.split " " | array.first }}!
                {{ if lead.fields.phone }}We will call you at {{ lead.fields.phone }}.{{ else }}We will write to you here.{{ end }}
              validity: 12h
          - follow_up:
              after: 1d
              unless: customer_replied
              when:
                conversation.messages_left: { gte: 1 }
              then:
                - reply: >
                    Still thinking about it? Reply YES and an agent
                    will help you choose.
                - follow_up:
                    after: 12h
                    then:
                      - tag: lead-cold
        ---
        flow: vip-routing
        priority: 50
        on: contact.tagged
        when:
          event.tag: { in: [vip, gold] }
        then:
          - assign: { agent: maria }
          - reply: { share_post: "7301234567890123456" }
        """;

    public const string AnchorsAndSpam = """
        flow: spam-filter
        priority: 1000
        on: message.received
        when:
          all:
            - message.text: { matches: "(?i)(crypto|giveaway)\\s+(now|free)" }
            - conversation.inbound_count: { lt: 3 }
            - conversation.window_closes_in: { gt: 1h30m }
        then: &spam-actions
          - report_spam: true
          - close
          - stop
        ---
        flow: referral-welcome
        on: referral.received
        when:
          message.referral.source: ad
          message.referral.ad_id: { starts_with: "1799" }
        then:
          - reply: 'Welcome! It''s great to see you here{{ if contact.name }}, {{ contact.name | string.upcase }}{{ end }}.'
          - untag: [prospect, cold]
          - unassign
        """;

    public static IReadOnlyList<(string Name, string Text)> All { get; } =
    [
        ("price-inquiry.yaml", PriceInquiry),
        ("lead-nudge.yaml", LeadNudge),
        ("anchors-and-spam.yaml", AnchorsAndSpam),
        ("price-inquiry-crlf.yaml", PriceInquiry.ReplaceLineEndings("\r\n")),
    ];
}
