using Testcontainers.PostgreSql;
using Testcontainers.Redis;

namespace Callvia.Testing;

/// <summary>
/// The PostgreSQL and Redis servers a test run uses. The test script starts real ones and passes
/// <c>CALLVIA_TEST_POSTGRES</c> (a superuser connection string) and <c>CALLVIA_TEST_REDIS</c>;
/// without them, containers are started with Testcontainers (needs a Docker engine).
/// </summary>
public sealed class TestServers : IAsyncDisposable
{
    private readonly IAsyncDisposable[] _containers;

    private TestServers(string postgresAdmin, string redis, params IAsyncDisposable[] containers)
    {
        PostgresAdmin = postgresAdmin;
        Redis = redis;
        _containers = containers;
    }

    /// <summary>A superuser connection: tests create their own roles and databases with it.</summary>
    public string PostgresAdmin { get; }
    public string Redis { get; }

    public static async Task<TestServers> StartAsync()
    {
        var pg = Environment.GetEnvironmentVariable("CALLVIA_TEST_POSTGRES");
        var redis = Environment.GetEnvironmentVariable("CALLVIA_TEST_REDIS");
        if (!string.IsNullOrEmpty(pg) && !string.IsNullOrEmpty(redis))
            return new TestServers(pg, redis);

        var pgContainer = new PostgreSqlBuilder("postgres:15").Build();
        var redisContainer = new RedisBuilder("redis:7").Build();
        await Task.WhenAll(pgContainer.StartAsync(), redisContainer.StartAsync());
        return new TestServers(pgContainer.GetConnectionString(), redisContainer.GetConnectionString(), pgContainer, redisContainer);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
            await container.DisposeAsync();
    }
}
