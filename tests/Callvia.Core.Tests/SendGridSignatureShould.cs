using System.Security.Cryptography;
using System.Text;
using Callvia.Core.Webhooks.Providers.SendGrid;
using Xunit;

namespace Callvia.Core.Tests;

/// <summary>SendGrid's Signed Event Webhook against its published test vector (contracts/sendgrid.md) and generated keys.</summary>
public sealed class SendGridSignatureShould
{
    private const string Key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
    private const string Signature = "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=";
    private const string Timestamp = "1600112502";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        "[{\"email\":\"hello@world.com\",\"event\":\"dropped\",\"reason\":\"Bounced Address\",\"sg_event_id\":\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA\",\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0\",\"smtp-id\":\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>\",\"timestamp\":1600112492}]\r\n");
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1600112502);

    [Fact]
    public void Accept_sendgrids_own_vector_within_ten_minutes()
    {
        Assert.True(SendGridSignature.Verify(Body, Signature, Timestamp, Key, At));
        Assert.True(SendGridSignature.Verify(Body, Signature, Timestamp, Key, At.AddMinutes(9.9)));
    }

    [Fact]
    public void Refuse_a_tampered_body_a_missing_crlf_another_timestamp_a_stale_one_or_another_key()
    {
        Assert.False(SendGridSignature.Verify(Body.Append((byte)' ').ToArray(), Signature, Timestamp, Key, At));
        Assert.False(SendGridSignature.Verify(Body[..^2], Signature, Timestamp, Key, At)); // the raw body includes SendGrid's CRLF
        Assert.False(SendGridSignature.Verify(Body, Signature, "1600112503", Key, At));
        Assert.False(SendGridSignature.Verify(Body, Signature, Timestamp, Key, At.AddMinutes(10.1)));
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.False(SendGridSignature.Verify(Body, Signature, Timestamp, Convert.ToBase64String(other.ExportSubjectPublicKeyInfo()), At));
    }

    [Theory]
    [InlineData(null, Timestamp, Key)]
    [InlineData("", Timestamp, Key)]
    [InlineData("not base64!", Timestamp, Key)]
    [InlineData(Signature, null, Key)]
    [InlineData(Signature, "+1600112502", Key)]
    [InlineData(Signature, Timestamp, "not a key")]
    [InlineData(Signature, Timestamp, "AAAA")]
    public void Refuse_malformed_headers_and_keys_without_throwing(string? signature, string? timestamp, string key) =>
        Assert.False(SendGridSignature.Verify(Body, signature, timestamp, key, At));

    [Fact]
    public void Verify_what_a_generated_key_signed()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var body = Encoding.UTF8.GetBytes("[{\"event\":\"delivered\",\"sg_event_id\":\"x\"}]\r\n");
        var signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(Timestamp).Concat(body).ToArray(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.True(SendGridSignature.Verify(body, signature, Timestamp, Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()), At));
    }
}
