using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

namespace Callvia.Core.Data;

/// <summary>For <c>dotnet ef migrations add</c> only: builds the model without a live database.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<CallviaDbContext>
{
    public CallviaDbContext CreateDbContext(string[] args)
    {
        var dataSource = new NpgsqlDataSourceBuilder("Host=localhost;Database=callviadb").Build();
        var builder = new DbContextOptionsBuilder<CallviaDbContext>();
        builder.UseCallviaNpgsql(dataSource);
        var options = builder.Options;
        return new CallviaDbContext(options, new TenantContext(), TimeProvider.System);
    }
}
