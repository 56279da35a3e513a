using Callvia.Web.Identity;
using Callvia.Core;
using Callvia.Core.Data;
using Callvia.Core.Identity;
using Callvia.Core.Seeding;
using Microsoft.Extensions.Options;

namespace Callvia.Jobs.Hosting;

/// <summary>
/// <c>Callvia.Jobs migrate [--seed]</c>: the explicit migration step, run before the services start
/// (the run script, the AppHost, a deployment hook). Safe to run twice or concurrently.
/// Needs <c>ConnectionStrings:callviadb_owner</c> (the tables' owner) and <c>ConnectionStrings:callviadb</c>
/// (the services' role, which gets grants and nothing more).
/// </summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args.Where(a => a != "--seed").ToArray());
        builder.AddCallviaCore();
        builder.Services.AddCallviaIdentity(browserRedirects: false);
        builder.Services.AddCallviaOpenIddictCore();
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Callvia.Migrate");
        var owner = builder.Configuration.GetConnectionString(DatabaseMigrator.OwnerConnectionName);
        if (string.IsNullOrEmpty(owner))
        {
            logger.LogError("ConnectionStrings:{Name} (the tables' owner) is required to migrate", DatabaseMigrator.OwnerConnectionName);
            return 2;
        }
        await DatabaseMigrator.MigrateAsync(owner, builder.Configuration.GetConnectionString(CoreRegistration.DatabaseConnectionName)!, logger);
        if (args.Contains("--seed"))
        {
            using var scope = host.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>()
                .SeedAsync(scope.ServiceProvider.GetRequiredService<IOptions<DemoSeedOptions>>().Value);
            logger.LogInformation("Demo data is in place");
        }
        return 0;
    }
}
