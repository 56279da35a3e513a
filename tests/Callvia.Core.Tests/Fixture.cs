using Callvia.Testing;
using Xunit;

namespace Callvia.Core.Tests;

[CollectionDefinition(Name)]
public sealed class DatabaseCollection : ICollectionFixture<CallviaFixture>
{
    public const string Name = "database";
}
