using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlowAutomation.Server.Studio;

namespace FlowAutomation.Server.Tests.Studio;

public sealed class StudioApiTests
{
    [Fact]
    public async Task Api_WithoutToken_401_AndInfoSaysHowToSignIn()
    {
        await using var site = await StudioSite.StartAsync();

        using var files = await site.Client.GetAsync("/studio/api/files");
        var info = await site.Client.GetFromJsonAsync<JsonElement>("/studio/api/info");

        Assert.Equal(HttpStatusCode.Unauthorized, files.StatusCode);
        Assert.Equal(("token", "X-Studio-Token"), (info.GetProperty("mode").GetString(), info.GetProperty("header").GetString()));
    }

    [Fact]
    public async Task Session_LaunchTokenUsedTwice_SecondIsRefused()
    {
        await using var site = await StudioSite.StartAsync();
        var launch = site.LaunchToken();

        using var first = await ExchangeAsync(site, launch);
        using var second = await ExchangeAsync(site, launch);
        using var launchAsSession = new HttpRequestMessage(HttpMethod.Get, "/studio/api/files");
        launchAsSession.Headers.Add(StudioTokenAccess.HeaderName, launch);
        using var files = await site.Client.SendAsync(launchAsSession);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (first.StatusCode, second.StatusCode, files.StatusCode));
    }

    [Fact]
    public async Task Session_TokenInACookie_IsNotAccepted()
    {
        await using var site = await StudioSite.StartAsync();
        using var exchanged = await ExchangeAsync(site, site.LaunchToken());
        var token = (await exchanged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/studio/api/files");
        request.Headers.Add("Cookie", $"{StudioTokenAccess.HeaderName}={token}; token={token}");

        using var response = await site.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Files_ListsTheFolderRecursively_AndReadGivesTextAndVersion()
    {
        await using var site = await StudioSite.StartAsync(new Dictionary<string, string> { ["a.yaml"] = "flow: a\n", ["sub/b.yml"] = "flow: b\n", ["notes.txt"] = "x" });
        await site.SignInAsync();

        var files = await site.Client.GetFromJsonAsync<JsonElement>("/studio/api/files");
        var file = await site.Client.GetFromJsonAsync<JsonElement>("/studio/api/file?path=sub/b.yml");

        Assert.Equal(["a.yaml", "sub/b.yml"], files.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()));
        Assert.Equal("flow: b\n", file.GetProperty("text").GetString());
        Assert.Equal(16, file.GetProperty("version").GetString()!.Length);
    }

    [Theory]
    [InlineData("../outside.yaml")]
    [InlineData("sub/../../outside.yaml")]
    [InlineData("/etc/outside.yaml")]
    [InlineData("..%2Foutside.yaml")]
    [InlineData("..\\outside.yaml")]
    [InlineData("tag.yaml/../../outside.yaml")]
    [InlineData("notes.txt")]
    public async Task File_PathThatLeavesTheFolder_RefusedForReadAndWrite(string path)
    {
        await using var site = await StudioSite.StartAsync();
        await site.SignInAsync();
        var outside = Path.Combine(site.Root, "outside.yaml");
        await File.WriteAllTextAsync(outside, "flow: secret\n");

        using var read = await site.Client.GetAsync($"/studio/api/file?path={path}");
        using var write = await site.Client.PutAsJsonAsync("/studio/api/file", new { path = Uri.UnescapeDataString(path), text = "flow: overwritten\n", baseVersion = (string?)null });

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (read.StatusCode, write.StatusCode));
        Assert.DoesNotContain("secret", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("flow: secret\n", await File.ReadAllTextAsync(outside));
    }

    [Theory]
    [InlineData("link.yaml", false)]
    [InlineData("linked-folder/outside.yaml", true)]
    public async Task File_SymbolicLinkLeadingOut_RefusedForReadAndWrite(string path, bool linkFolder)
    {
        await using var site = await StudioSite.StartAsync();
        await site.SignInAsync();
        var outside = Path.Combine(site.Root, "outside.yaml");
        await File.WriteAllTextAsync(outside, "flow: secret\n");
        if (linkFolder)
            Directory.CreateSymbolicLink(Path.Combine(site.Folder, "linked-folder"), site.Root);
        else
            File.CreateSymbolicLink(Path.Combine(site.Folder, "link.yaml"), outside);

        using var read = await site.Client.GetAsync($"/studio/api/file?path={path}");
        using var write = await site.Client.PutAsJsonAsync("/studio/api/file", new { path, text = "flow: overwritten\n", baseVersion = (string?)null });
        using var compile = await site.Client.PostAsJsonAsync("/studio/api/compile", new { path, text = "flow: x\n" });

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (read.StatusCode, write.StatusCode, compile.StatusCode));
        Assert.Contains("symbolic link", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("flow: secret\n", await File.ReadAllTextAsync(outside));
    }

    [Fact]
    public async Task File_SymbolicLinkInsideTheFolder_IsAllowed()
    {
        await using var site = await StudioSite.StartAsync();
        await site.SignInAsync();
        File.CreateSymbolicLink(Path.Combine(site.Folder, "alias.yaml"), Path.Combine(site.Folder, "tag.yaml"));

        using var read = await site.Client.GetAsync("/studio/api/file?path=alias.yaml");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Save_AtTheVersionRead_WritesExactlyTheText_AndLeavesNoTemporaryFile()
    {
        await using var site = await StudioSite.StartAsync();
        await site.SignInAsync();
        var read = await site.Client.GetFromJsonAsync<JsonElement>("/studio/api/file?path=tag.yaml");
        const string text = "# a comment\nflow: tag-all\non: message.received\nthen:\n  - tag: [seen, 'new']\n";

        using var saved = await site.Client.PutAsJsonAsync("/studio/api/file", new { path = "tag.yaml", text, baseVersion = read.GetProperty("version").GetString() });
        var body = await saved.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(Encoding.UTF8.GetBytes(text), await File.ReadAllBytesAsync(Path.Combine(site.Folder, "tag.yaml")));
        Assert.Equal(["tag.yaml"], Directory.EnumerateFileSystemEntries(site.Folder).Select(Path.GetFileName));
        Assert.NotEqual(read.GetProperty("version").GetString(), body.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Save_FileChangedOnDiskSinceRead_409WithWhatIsOnDisk_AndNothingWritten()
    {
        await using var site = await StudioSite.StartAsync();
        await site.SignInAsync();
        var read = await site.Client.GetFromJsonAsync<JsonElement>("/studio/api/file?path=tag.yaml");
        const string theirs = "flow: changed-in-another-editor\non: message.received\nthen:\n  - stop: true\n";
        await File.WriteAllTextAsync(Path.Combine(site.Folder, "tag.yaml"), theirs);

        using var saved = await site.Client.PutAsJsonAsync("/studio/api/file", new { path = "tag.yaml", text = "flow: mine\n", baseVersion = read.GetProperty("version").GetString() });
        var body = await saved.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Conflict, saved.StatusCode);
        Assert.Equal(theirs, body.GetProperty("onDisk").GetProperty("text").GetString());
        Assert.Equal(theirs, await File.ReadAllTextAsync(Path.Combine(site.Folder, "tag.yaml")));
    }

    [Fact]
    public async Task Save_NewFileThatAppearedMeanwhile_IsNotOverwritten()
    {
        await using var site = await StudioSite.StartAsync();
        await site.SignInAsync();
        await File.WriteAllTextAsync(Path.Combine(site.Folder, "new.yaml"), "flow: theirs\n");

        using var saved = await site.Client.PutAsJsonAsync("/studio/api/file", new { path = "new.yaml", text = "flow: mine\n", baseVersion = (string?)null });

        Assert.Equal(HttpStatusCode.Conflict, saved.StatusCode);
        Assert.Equal("flow: theirs\n", await File.ReadAllTextAsync(Path.Combine(site.Folder, "new.yaml")));
    }

    [Fact]
    public async Task Compile_TextWithAMistake_ReturnsTheDiagnosticWithItsSpan_AndWordsForTheOtherFlows()
    {
        await using var site = await StudioSite.StartAsync(new Dictionary<string, string>
        {
            ["a.yaml"] = "flow: a\non: message.received\nwhen:\n  message.text: { contains_any: [price, cost] }\nthen:\n  - tag: asked\n",
        });
        await site.SignInAsync();
        const string typed = "flow: b\non: message.received\nwhen:\n  message.text: { contain: price }\nthen:\n  - stop: true\n";

        using var response = await site.Client.PostAsJsonAsync("/studio/api/compile", new { path = "b.yaml", text = typed });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        var error = Assert.Single(body.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal(("b.yaml", "FA1203", 4, 19, 4, 26),
            (error.GetProperty("path").GetString(), error.GetProperty("code").GetString(), error.GetProperty("line").GetInt32(), error.GetProperty("column").GetInt32(),
             error.GetProperty("endLine").GetInt32(), error.GetProperty("endColumn").GetInt32()));
        var words = Assert.Single(body.GetProperty("flows").EnumerateArray());
        Assert.Equal("a", words.GetProperty("id").GetString());
        Assert.Equal("message.text contains_any [\"price\", \"cost\"]", Assert.Single(words.GetProperty("conditions").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Page_IsServedFromTheEmbeddedBundle_WithASecurityPolicy()
    {
        await using var site = await StudioSite.StartAsync();

        using var redirect = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = site.Client.BaseAddress }.GetAsync("/studio");
        using var page = await site.Client.GetAsync("/studio/");
        var html = await page.Content.ReadAsStringAsync();
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"\\./(assets/[^\"]+\\.js)\"").Groups[1].Value;
        using var asset = await site.Client.GetAsync("/studio/" + script);

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Contains("<div id=\"root\">", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal(("text/javascript", HttpStatusCode.OK), (asset.Content.Headers.ContentType?.MediaType, asset.StatusCode));
    }

    [Fact]
    public async Task Request_WithAHostNameOtherThanLoopback_Refused()
    {
        await using var site = await StudioSite.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/studio/api/info");
        request.Headers.Host = "attacker.example";

        using var response = await site.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5081", true)]
    [InlineData("http://localhost:0", true)]
    [InlineData("http://[::1]:5081", true)]
    [InlineData("http://127.0.0.1:5081;http://[::1]:5082", true)]
    [InlineData("http://0.0.0.0:5081", false)]
    [InlineData("http://*:5081", false)]
    [InlineData("http://+:5081", false)]
    [InlineData("http://192.168.1.20:5081", false)]
    [InlineData("http://studio.example.com", false)]
    [InlineData("http://127.0.0.1:5081;http://10.0.0.2:5081", false)]
    [InlineData("ftp://127.0.0.1", false)]
    public void LoopbackProblem_OnlyLoopbackAddressesPass(string urls, bool loopback)
    {
        Assert.Equal(loopback, StudioHost.LoopbackProblem(urls) is null);
    }

    private static async Task<HttpResponseMessage> ExchangeAsync(StudioSite site, string launch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/studio/api/session");
        request.Headers.Add(StudioTokenAccess.HeaderName, launch);
        return await site.Client.SendAsync(request);
    }
}
