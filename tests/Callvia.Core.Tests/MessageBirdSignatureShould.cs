using Callvia.Core.Webhooks.Providers.MessageBird;
using System.Text;
using Callvia.Core.Webhooks;
using Xunit;

namespace Callvia.Core.Tests;

public sealed class MessageBirdSignatureShould
{
    private const string Key = "mb_signing_key";
    private const string Url = "https://acme.callvia.app/api/webhooks/messagebird?x=1";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("originator=31612345678&recipient=3197010520000&payload=STOP");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1767610800);

    [Fact]
    public void Accept_a_token_signed_with_the_key_for_this_url_and_body() =>
        Assert.True(MessageBirdSignature.Verify(MessageBirdSignature.Sign(Key, Url, Body, Now), Key, Url, Body, Now.AddMinutes(1)));

    [Fact]
    public void Refuse_another_key_url_body_or_time()
    {
        var token = MessageBirdSignature.Sign(Key, Url, Body, Now);
        Assert.False(MessageBirdSignature.Verify(token, "other_key", Url, Body, Now));
        Assert.False(MessageBirdSignature.Verify(token, Key, Url.Replace("acme", "globex"), Body, Now));
        Assert.False(MessageBirdSignature.Verify(token, Key, Url, Encoding.UTF8.GetBytes("originator=31612345678&payload=YES"), Now));
        Assert.False(MessageBirdSignature.Verify(token, Key, Url, Body, Now.AddMinutes(10)));  // expired
        Assert.False(MessageBirdSignature.Verify(token, Key, Url, [], Now));                    // a payload hash but no body
        Assert.False(MessageBirdSignature.Verify(null, Key, Url, Body, Now));
        Assert.False(MessageBirdSignature.Verify("not.a.jwt", Key, Url, Body, Now));
    }
}
