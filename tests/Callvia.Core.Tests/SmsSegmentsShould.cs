using Callvia.Core.Messaging;
using Xunit;

namespace Callvia.Core.Tests;

public sealed class SmsSegmentsShould
{
    [Theory]
    [InlineData(160, 'a', SmsEncoding.Gsm7, 160, 1)]
    [InlineData(161, 'a', SmsEncoding.Gsm7, 161, 2)]
    [InlineData(306, 'a', SmsEncoding.Gsm7, 306, 2)]
    [InlineData(307, 'a', SmsEncoding.Gsm7, 307, 3)]
    [InlineData(80, '€', SmsEncoding.Gsm7, 160, 1)]   // the extension table: two septets each
    [InlineData(81, '€', SmsEncoding.Gsm7, 162, 2)]
    [InlineData(70, 'ł', SmsEncoding.Ucs2, 70, 1)]    // not in GSM 03.38: UCS-2
    [InlineData(71, 'ł', SmsEncoding.Ucs2, 71, 2)]
    [InlineData(134, 'ł', SmsEncoding.Ucs2, 134, 2)]
    [InlineData(135, 'ł', SmsEncoding.Ucs2, 135, 3)]
    public void Count_segments_by_encoding(int length, char c, SmsEncoding encoding, int units, int segments) =>
        Assert.Equal(new SmsLength(encoding, units, segments), SmsSegments.Measure(new string(c, length)));

    [Fact]
    public void Turn_a_whole_message_into_ucs2_for_one_character_outside_the_alphabet()
    {
        Assert.Equal(SmsEncoding.Gsm7, SmsSegments.Measure("Hi Dana, see you Tue 3:00 PM at Bright Smiles (ÄÖÜ é ñ)!").Encoding);
        var emoji = SmsSegments.Measure("Hi Dana 👋");
        Assert.Equal(new SmsLength(SmsEncoding.Ucs2, 10, 1), emoji); // a surrogate pair counts two
        Assert.Equal(new SmsLength(SmsEncoding.Gsm7, 0, 0), SmsSegments.Measure(""));
        Assert.Equal(new SmsLength(SmsEncoding.Gsm7, 5, 1), SmsSegments.Measure("{x}")); // braces are extension characters
    }
}
