using FlowAutomation.Server.Common;

namespace FlowAutomation.Server.Admin;

/// <summary>Configuration section <c>Admin</c>: the API key that opens <c>/api</c>.</summary>
internal sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>The key callers send; with none set, every <c>/api</c> request is refused (403) and the log says so.</summary>
    public string? ApiKey { get; set; }

    [NotBlank]
    public string ApiKeyHeader { get; set; } = "X-Api-Key";
}
