using System.Text.Json.Nodes;
using Warnings.Testing;

namespace Warnings.Platform.Tests.Console;

/// <summary>
/// A person at the console: headless Chromium on a 1280x800 screen, signed in through the sign-in
/// page. Every page it visits can be checked with axe-core (vendored into the tests) and leaves a
/// screenshot; anything the browser reports as an error fails the test unless expected.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    private static readonly Lazy<string> Axe = new(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Console", "axe-core-4.14.1", "axe.min.js")));
    private readonly string _http;

    private ConsoleBrowser(HeadlessChromium chromium, string http)
    {
        Chromium = chromium;
        _http = http;
    }

    public HeadlessChromium Chromium { get; }

    public static async Task<ConsoleBrowser> StartAsync(string http)
    {
        var chromium = await HeadlessChromium.StartAsync(1280, 800);
        await chromium.SetViewportAsync(1280, 800);
        return new ConsoleBrowser(chromium, http);
    }

    /// <summary>Signs in on the sign-in page with an API key (<c>ApiKey</c>) or a JWT (<c>Bearer</c>), and waits for the desk.</summary>
    public async Task SignInAsync(string credential, string kind = "ApiKey")
    {
        await Chromium.NavigateAsync($"{_http}/console");
        await UntilAsync("location.pathname === '/console/login' && document.readyState === 'complete' && !!document.getElementById('credential')", "the sign-in page");
        await EvaluateAsync($$"""
            document.querySelector('input[name=kind][value={{kind}}]').checked = true;
            document.getElementById('credential').value = '{{credential}}';
            document.getElementById('signin').requestSubmit(); true
            """);
        await UntilAsync("location.pathname === '/console' && window.consoleReady === true", "the console after sign-in");
    }

    /// <summary>Goes to a console route (#/new, #/inbox…) and waits for its view.</summary>
    public async Task GoAsync(string hash, string view)
    {
        await EvaluateAsync($"location.hash = '{hash}'; true");
        await UntilAsync($"document.getElementById('main').dataset.view === '{view}' && !!document.querySelector('#main h1')", $"the {view} page");
    }

    public Task<JsonNode?> EvaluateAsync(string expression) => Chromium.EvaluateAsync(expression);

    public Task UntilAsync(string expression, string what) => Chromium.UntilAsync(expression, what);

    public async Task<string?> TextAsync(string selector) => (string?)await EvaluateAsync($"document.querySelector({Quote(selector)})?.textContent ?? null");

    public Task ClickAsync(string selector) => EvaluateAsync($"document.querySelector({Quote(selector)}).click(); true");

    /// <summary>Types into an input or textarea as a person would (the input event fires).</summary>
    public Task TypeAsync(string selector, string text) => EvaluateAsync($$"""
        (() => { const e = document.querySelector({{Quote(selector)}}); e.value = {{Quote(text)}}; e.dispatchEvent(new Event('input', { bubbles: true })); return true; })()
        """);

    /// <summary>Chooses an option of a select (the change event fires).</summary>
    public Task SelectAsync(string selector, string value) => EvaluateAsync($$"""
        (() => { const e = document.querySelector({{Quote(selector)}}); e.value = {{Quote(value)}}; e.dispatchEvent(new Event('change', { bubbles: true })); return true; })()
        """);

    public Task ScreenshotAsync(string name) => Chromium.ScreenshotAsync(HeadlessChromium.ArtifactPath(Path.Combine("console", $"{name}.png")));

    /// <summary>Runs axe-core on the page as it is and fails on any serious or critical violation.</summary>
    public async Task AssertAccessibleAsync(string page)
    {
        if ((bool?)await EvaluateAsync("typeof window.axe === 'object'") != true)
        {
            await EvaluateAsync(Axe.Value + ";true");
        }

        var violations = (await EvaluateAsync("""
            axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`))
            """))!.AsArray().Select(v => (string)v!).ToList();
        Assert.True(violations.Count == 0, $"axe on {page}:\n{string.Join("\n", violations)}");
    }

    /// <summary>Fails when the browser reported an error (exception, console.error, failed load, CSP).</summary>
    public async Task AssertNoProblemsAsync()
    {
        await EvaluateAsync("true"); // reads the events that arrived since the last command
        Assert.True(Chromium.Problems.Count == 0, $"browser errors:\n{string.Join("\n", Chromium.Problems)}");
    }

    /// <summary>The bytes the page loaded so far (document and every resource, as sent).</summary>
    public async Task<long> PageBytesAsync() => (long)(double)(await EvaluateAsync("""
        performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
          .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0)
        """))!;

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    public ValueTask DisposeAsync() => Chromium.DisposeAsync();
}
