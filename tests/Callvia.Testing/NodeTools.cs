using System.Diagnostics;

namespace Callvia.Testing;

/// <summary>
/// Standard JavaScript tooling (tests/conformance: graphql-js, graphql-http) run with Node against a running service.
/// The test command installs the packages (npm ci) before the tests.
/// </summary>
public static class NodeTools
{
    /// <summary>The repository's root (the folder holding Callvia.sln), found from the test assembly's folder.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Callvia.sln")))
                    return dir.FullName;
            throw new InvalidOperationException("Callvia.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string ConformanceFolder => Path.Combine(RepositoryRoot, "tests", "conformance");

    /// <summary>Runs <c>node script args…</c> in tests/conformance; fails clearly when the packages are not installed.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string script, params string[] args)
    {
        if (!Directory.Exists(Path.Combine(ConformanceFolder, "node_modules", "graphql-http")))
            throw new InvalidOperationException($"Run 'npm ci' in {ConformanceFolder} first (scripts/test.sh does).");
        var info = new ProcessStartInfo("node", [script, .. args])
        {
            WorkingDirectory = ConformanceFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }
}
