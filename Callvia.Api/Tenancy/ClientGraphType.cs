using Callvia.Api.GraphQL;
using Callvia.Core.Tenancy;
using GraphQL.Types;

namespace Callvia.Api.Tenancy;

public sealed class ClientGraphType : ObjectGraphType<Client>
{
    public const string TypeName = "Client";

    public ClientGraphType()
    {
        Name = TypeName;
        Interface<NodeInterface>();
        IsTypeOf = o => o is Client;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field(c => c.Name);
        Field(c => c.Slug);
        Field(c => c.TimeZone).Description("IANA time zone the client's people see times in.");
        Field<NonNullGraphType<ClientStatusGraphType>>("status").Resolve(c => c.Source.Status);
    }
}

public sealed class ClientStatusGraphType : EnumerationGraphType<ClientStatus>
{
    public ClientStatusGraphType() => Name = "ClientStatus";
}
