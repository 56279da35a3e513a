using Xunit;

namespace Callvia.Core.Tests;

/// <summary>Stripe.net's verifier (which the API uses) against the contract's test vector.</summary>
public sealed class StripeSignatureShould
{
    private const string Body = "{\"id\":\"evt_1\",\"object\":\"event\",\"api_version\":\"2026-10-28.endive\",\"type\":\"invoice.paid\"}";
    private const string Header = "t=1700000000,v1=d667350ef41614b2fbd59e5185aefbf095cd90dc6bf9dbf35e84b7d2cc07e635";

    [Fact]
    public void Accept_the_vector_within_the_tolerance_and_refuse_it_outside() 
    {
        Stripe.EventUtility.ValidateSignature(Body, Header, "whsec_test_secret", 300, 1700000000 + 299);
        Assert.Throws<Stripe.StripeException>(() => Stripe.EventUtility.ValidateSignature(Body, Header, "whsec_test_secret", 300, 1700000000 + 301));
        Assert.Throws<Stripe.StripeException>(() => Stripe.EventUtility.ValidateSignature(Body, Header, "whsec_other", 300, 1700000000));
        Assert.Throws<Stripe.StripeException>(() => Stripe.EventUtility.ValidateSignature(Body + " ", Header, "whsec_test_secret", 300, 1700000000));
    }

    [Fact]
    public void Refuse_events_of_another_api_version_train() =>
        Assert.Throws<Stripe.StripeException>(() => Callvia.Core.Billing.StripeInvoiceEvents.Parse(Body.Replace("2026-10-28.endive", "2026-07-29.dahlia")));
}
