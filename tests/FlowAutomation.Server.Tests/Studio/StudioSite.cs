using System.Net.Http.Json;
using System.Text.Json;
using FlowAutomation.Server.Studio;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FlowAutomation.Server.Tests.Studio;

/// <summary>flowctl studio's application on 127.0.0.1 (a free port) over a temporary folder, signed in with a session token.</summary>
internal sealed class StudioSite : IAsyncDisposable
{
    private StudioSite(StudioApp app, string root, HttpClient client)
    {
        App = app;
        Root = root;
        Client = client;
    }

    /// <summary>The parent of <see cref="Folder"/>: a place outside the studio's folder for escape attempts.</summary>
    public string Root { get; }

    public string Folder => Path.Combine(Root, "flows");

    public StudioApp App { get; }

    public HttpClient Client { get; }

    /// <summary>The other scenario folder: <c>samples</c> beside <see cref="Folder"/>.</summary>
    public string Samples => Path.Combine(Root, "samples");

    public static async Task<StudioSite> StartAsync(IReadOnlyDictionary<string, string>? files = null, IReadOnlyDictionary<string, string>? samples = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "flowautomation-studio-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Path.Combine(root, "flows"));
        Directory.CreateDirectory(Path.Combine(root, "samples"));
        foreach (var (name, text) in files ?? new Dictionary<string, string> { ["tag.yaml"] = "# a comment\nflow: tag-all\non: message.received\nthen:\n  - tag: seen\n" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, "flows", name))!);
            await File.WriteAllTextAsync(Path.Combine(root, "flows", name), text);
        }
        foreach (var (name, text) in samples ?? new Dictionary<string, string>())
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, "samples", name))!);
            await File.WriteAllTextAsync(Path.Combine(root, "samples", name), text);
        }
        var app = StudioHost.Create(Path.Combine(root, "flows"), "http://127.0.0.1:0", scenarioFolders: [Path.Combine(root, "samples")]);
        await app.App.StartAsync();
        var address = app.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        return new StudioSite(app, root, client);
    }

    /// <summary>The launch token of a new launch address.</summary>
    public string LaunchToken() => App.LaunchAddress().Split("#token=")[1];

    /// <summary>Exchanges a new launch token and sends the session token with every later request.</summary>
    public async Task SignInAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/studio/api/session");
        request.Headers.Add(StudioTokenAccess.HeaderName, LaunchToken());
        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        Client.DefaultRequestHeaders.Add(StudioTokenAccess.HeaderName, token);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
