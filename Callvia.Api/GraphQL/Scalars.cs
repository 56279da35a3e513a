using System.Globalization;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Callvia.Api.GraphQL;

/// <summary>
/// <c>Decimal</c>: exact amounts, serialized as a string ("12.3450") so no client reads money through a
/// binary float. Accepts a string or a number literal as input.
/// </summary>
public sealed class DecimalStringGraphType : ScalarGraphType
{
    public DecimalStringGraphType()
    {
        Name = "Decimal";
        Description = "An exact decimal number, serialized as a string.";
    }

    public override object? Serialize(object? value) => value switch
    {
        null => null,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        _ => ThrowSerializationError(value),
    };

    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        decimal d => d,
        string s when decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
        int or long or double => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
        _ => ThrowValueConversionError(value),
    };

    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLNullValue => null,
        GraphQLStringValue s => ParseValue((string)s.Value),
        GraphQLIntValue i => decimal.Parse(i.Value.Span, NumberStyles.Integer, CultureInfo.InvariantCulture),
        GraphQLFloatValue f => decimal.Parse(f.Value.Span, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => ThrowLiteralConversionError(value),
    };
}

/// <summary>An amount of money: <c>{ amount: Decimal!, currency: String! }</c> (ISO 4217, lower case as Stripe has it).</summary>
public sealed record Money(decimal Amount, string Currency);

public sealed class MoneyGraphType : ObjectGraphType<Money>
{
    public MoneyGraphType()
    {
        Name = "Money";
        Field<NonNullGraphType<DecimalStringGraphType>>("amount").Description("At least two decimals; more when the amount has them (usage is unrounded).")
            .Resolve(c => Normalize(c.Source.Amount));
        Field<NonNullGraphType<StringGraphType>>("currency").Resolve(c => c.Source.Currency);
    }

    /// <summary>0.900000 → 0.90, 0.123400 → 0.1234, 12 → 12.00: trailing zeros dropped, two decimals kept.</summary>
    public static decimal Normalize(decimal amount) => amount / 1.000000000000000000000000000000000m + 0.00m;
}

/// <summary>
/// <c>DateTime</c>: ISO-8601 in UTC. The stock scalar refuses <see cref="DateTimeOffset"/>, which is what the
/// model stores (timestamptz); this one writes it as UTC and reads input as UTC.
/// </summary>
public sealed class UtcDateTimeGraphType : DateTimeGraphType
{
    public UtcDateTimeGraphType()
    {
        Name = "DateTime";
        Description = "An ISO-8601 date and time, in UTC.";
        // what it answers is an RFC 3339 date-time in UTC ("2026-12-01T19:28:32.123Z")
        Metadata[IntrospectionFields.SpecifiedByUrl] = "https://www.rfc-editor.org/rfc/rfc3339";
    }

    public override object? Serialize(object? value) => value switch
    {
        DateTimeOffset d => base.Serialize(d.UtcDateTime),
        _ => base.Serialize(value),
    };
}

