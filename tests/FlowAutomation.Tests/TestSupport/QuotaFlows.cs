namespace FlowAutomation.Tests.TestSupport;

/// <summary>Flows that spend a window's quota at a known moment (shared with the server's tests).</summary>
public static class QuotaFlows
{
    /// <summary>A follow-up an hour after the customer writes, with as many replies as a window allows (10).</summary>
    public const string TenRepliesAfterAnHour = """
        flow: burst
        on: message.received
        then:
          - follow_up:
              after: 1h
              then: [ { reply: "1" }, { reply: "2" }, { reply: "3" }, { reply: "4" }, { reply: "5" }, { reply: "6" }, { reply: "7" }, { reply: "8" }, { reply: "9" }, { reply: "10" } ]
        """;
}
