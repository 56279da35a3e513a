using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Callvia.Testing;

/// <summary>A service started for real on Kestrel, on 127.0.0.1 and a free port: tests speak HTTP to it.</summary>
public sealed class RunningApp : IAsyncDisposable
{
    private RunningApp(WebApplication app, int port)
    {
        App = app;
        Port = port;
    }

    public WebApplication App { get; }
    public int Port { get; }
    public IServiceProvider Services => App.Services;

    /// <summary>The address of a tenant's host, e.g. <c>http://acme.localhost:5123/</c>.</summary>
    public Uri HostUri(string slug) => new($"http://{slug}.{CallviaFixture.RootDomain}:{Port}/");
    public Uri BareUri => new($"http://127.0.0.1:{Port}/");

    public static async Task<RunningApp> StartAsync(
        Func<string[], Action<WebApplicationBuilder>?, WebApplication> build, IDictionary<string, string?> settings,
        Action<WebApplicationBuilder>? configure = null)
    {
        var app = build(["--urls", "http://127.0.0.1:0", "--environment", "Testing"],
            b => { b.Configuration.AddInMemoryCollection(settings); configure?.Invoke(b); });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningApp(app, new Uri(address).Port);
    }

    /// <summary>
    /// An HttpClient for a tenant's host that resolves every <c>*.localhost</c> name to 127.0.0.1 (glibc
    /// does not), keeps cookies per host like a browser, and does not follow redirects.
    /// </summary>
    public HttpClient CreateClient(string slug, CookieContainer? cookies = null) =>
        new(LoopbackHandler(cookies ?? new CookieContainer())) { BaseAddress = HostUri(slug) };

    public static SocketsHttpHandler LoopbackHandler(CookieContainer cookies) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = true,
        CookieContainer = cookies,
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
