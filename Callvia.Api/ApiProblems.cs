namespace Callvia.Api;

/// <summary>The REST endpoints' problem details (<see cref="Web.Problems"/>, shared with the portal).</summary>
public static class ApiProblems
{
    public static IResult Of(int status, string detail) => Web.Problems.Of(status, detail);
}
