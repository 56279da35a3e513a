using Callvia.Core.Webhooks.Providers.Calcom;
using Callvia.Core.Webhooks.Providers.Retell;
using System.Text;
using Callvia.Core.Webhooks;
using Xunit;

namespace Callvia.Core.Tests;

/// <summary>The verifiers against the test vectors in shared/contracts.</summary>
public sealed class WebhookSignaturesShould
{
    private static readonly byte[] RetellBody = Encoding.UTF8.GetBytes("{\"event\":\"call_ended\",\"call\":{\"call_id\":\"call_abc123\",\"agent_id\":\"agent_1\"}}");
    private const string RetellHeader = "v=1700000000000,d=874a88028c6bc0f31d3bce720f9e5bb56f0c181cd955d04c868f9a94bc90ce0f";
    private static readonly DateTimeOffset RetellTime = DateTimeOffset.FromUnixTimeMilliseconds(1700000000000);

    [Fact]
    public void Accept_the_Retell_vector_within_five_minutes()
    {
        Assert.True(RetellSignature.Verify(RetellBody, RetellHeader, "key_test_retell", RetellTime));
        Assert.True(RetellSignature.Verify(RetellBody, RetellHeader, "key_test_retell", RetellTime.AddMinutes(4.9)));
        Assert.Equal(RetellHeader, RetellSignature.Sign(RetellBody, "key_test_retell", 1700000000000));
    }

    [Theory]
    [InlineData(5.1, "key_test_retell", false)]   // stale
    [InlineData(-5.1, "key_test_retell", false)]  // from the future
    [InlineData(0, "another_key", false)]         // wrong key
    public void Refuse_Retell_signatures_that_are_stale_or_wrong(double minutes, string key, bool tamper)
    {
        var body = tamper ? [.. RetellBody, (byte)' '] : RetellBody;
        Assert.False(RetellSignature.Verify(body, RetellHeader, key, RetellTime.AddMinutes(minutes)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("d=874a88028c6bc0f31d3bce720f9e5bb56f0c181cd955d04c868f9a94bc90ce0f")]
    [InlineData("v=1700000000000,d=zz")]
    [InlineData("v=1700000000000,d=874a88028c6bc0f31d3bce720f9e5bb56f0c181cd955d04c868f9a94bc90ce0e")]
    public void Refuse_malformed_or_altered_Retell_headers(string? header) =>
        Assert.False(RetellSignature.Verify(RetellBody, header, "key_test_retell", RetellTime));

    [Fact]
    public void Refuse_a_tampered_Retell_body() =>
        Assert.False(RetellSignature.Verify([.. RetellBody, (byte)' '], RetellHeader, "key_test_retell", RetellTime));

    private static readonly byte[] CalBody = Encoding.UTF8.GetBytes("{\"triggerEvent\":\"BOOKING_CREATED\",\"createdAt\":\"2026-01-05T10:00:00.000Z\",\"payload\":{\"uid\":\"bk_1\"}}");
    private const string CalSignature = "4c07df5d9f93309f405f99d7dd428b7bf426c28c2d0f0d51d14f32a29b9a367a";

    [Fact]
    public void Accept_the_Calcom_vector()
    {
        Assert.True(CalcomSignature.Verify(CalBody, CalSignature, "cal_secret_test"));
        Assert.Equal(CalSignature, CalcomSignature.Sign(CalBody, "cal_secret_test"));
    }

    [Theory]
    [InlineData("no-secret-provided")]   // a webhook configured without a secret
    [InlineData("sha256=4c07df5d9f93309f405f99d7dd428b7bf426c28c2d0f0d51d14f32a29b9a367a")]
    [InlineData("")]
    [InlineData(null)]
    public void Refuse_Calcom_headers_that_are_not_a_signature(string? header) =>
        Assert.False(CalcomSignature.Verify(CalBody, header, "cal_secret_test"));

    [Fact]
    public void Refuse_a_Calcom_signature_made_with_another_secret() =>
        Assert.False(CalcomSignature.Verify(CalBody, CalSignature, "other_secret"));
}
