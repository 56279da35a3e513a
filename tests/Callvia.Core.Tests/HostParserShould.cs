using Callvia.Core.Tenancy;
using Xunit;

namespace Callvia.Core.Tests;

public sealed class HostParserShould
{
    [Theory]
    [InlineData("acme.localhost", "localhost", HostKind.Tenant, "acme")]       // a client's host
    [InlineData("ACME.LocalHost", "localhost", HostKind.Tenant, "acme")]       // hosts are case-insensitive
    [InlineData("acme.callvia.app.", "callvia.app", HostKind.Tenant, "acme")]  // trailing dot of a FQDN
    [InlineData("admin.localhost", "localhost", HostKind.Admin, "admin")]      // the agency console
    [InlineData("www.callvia.app", "callvia.app", HostKind.Reserved, "www")]   // reserved for the platform
    [InlineData("api.localhost", "localhost", HostKind.Reserved, "api")]
    [InlineData("app.localhost", "localhost", HostKind.Reserved, "app")]
    [InlineData("localhost", "localhost", HostKind.Unknown, null)]             // the bare root
    [InlineData("a.b.localhost", "localhost", HostKind.Unknown, null)]         // one label deep only
    [InlineData("acme.example.com", "localhost", HostKind.Unknown, null)]      // another domain
    [InlineData("evilacme.localhost.evil.com", "localhost", HostKind.Unknown, null)]
    [InlineData("-acme.localhost", "localhost", HostKind.Unknown, null)]       // not a DNS label
    [InlineData("ac_me.localhost", "localhost", HostKind.Unknown, null)]
    public void Find_the_tenant_slug_in_the_host(string host, string root, HostKind kind, string? slug)
    {
        var parsed = HostParser.Parse(host, root);
        Assert.Equal(kind, parsed.Kind);
        Assert.Equal(slug, parsed.Slug);
    }
}
