using System.Text;
using Callvia.Core.Leads;
using Callvia.Core.Leads.Import;
using Xunit;

namespace Callvia.Core.Tests;

public sealed class ImportRulesShould
{
    [Theory]
    [InlineData("Phone", "phone")]
    [InlineData("PHONE_NUMBER", "phone")]
    [InlineData("Mobile", "phone")]
    [InlineData("cell", "phone")]
    [InlineData("Phone Number", "phone")]
    [InlineData("First Name", "first")]
    [InlineData("firstname", "first")]
    [InlineData("first", "first")]
    [InlineData("last_name", "last")]
    [InlineData("E-mail", "email")]
    [InlineData("TimeZone", "tz")]
    [InlineData("time_zone", "tz")]
    public void Match_headers_by_alias_case_insensitively(string header, string field)
    {
        var columns = ImportColumns.Map([header, "Other"]);
        var index = field switch
        {
            "phone" => columns.Phone, "first" => columns.FirstName, "last" => columns.LastName,
            "email" => columns.Email, _ => columns.TimeZone,
        };
        Assert.Equal(0, index);
        Assert.Equal("Other", Assert.Single(columns.Custom).Name);
    }

    [Theory]
    [InlineData("(212) 555-0175", "US", "+12125550175")]
    [InlineData("212.555.0175", "US", "+12125550175")]
    [InlineData("1-212-555-0175", "US", "+12125550175")]
    [InlineData("+1 212 555 0175", "GB", "+12125550175")]  // international wins over the region
    [InlineData("020 7946 0958", "GB", "+442079460958")]
    [InlineData("07400 123456", "GB", "+447400123456")]
    [InlineData("030 901820", "DE", "+4930901820")]
    [InlineData("06 12 34 56 78", "FR", "+33612345678")]
    [InlineData("0412 345 678", "AU", "+61412345678")]
    [InlineData("(416) 555-0123", "CA", "+14165550123")]
    public void Normalize_phone_numbers_to_E164_with_the_client_region(string raw, string region, string e164) =>
        Assert.Equal(e164, Callvia.Core.Leads.PhoneNumbers.ToE164(raw, region));

    [Theory]
    [InlineData("12")]
    [InlineData("555-0100")]
    [InlineData("(999) 555-0175")]   // no such area code
    [InlineData("not a number")]
    [InlineData("+1 212 555 0175 5555 5555")]
    public void Reject_invalid_numbers(string raw) => Assert.Null(Callvia.Core.Leads.PhoneNumbers.ToE164(raw, "US"));

    private static readonly ImportColumns Columns = ImportColumns.Map(["phone", "first_name", "last_name", "email", "timezone", "plan"]);

    private static object Row(string phone, string first = "Ada", string last = "Lovelace", string email = "", string tz = "", string plan = "") =>
        LeadRowRules.Apply(7, [phone, first, last, email, tz, plan], Columns, "US", null);

    [Theory]
    [InlineData("", "", "phone is missing")]
    [InlineData("12", "", "phone is not a valid number")]
    [InlineData("(212) 555-0175", "ada@", "email is not a valid address")]
    [InlineData("(212) 555-0175", "ada@example", "email is not a valid address")]
    [InlineData("(212) 555-0175", "a b@example.com", "email is not a valid address")]
    public void Reject_rows_with_a_reason_and_the_line(string phone, string email, string reason)
    {
        var rejection = Assert.IsType<RowRejection>(Row(phone, email: email));
        Assert.Equal(7, rejection.Line);
        Assert.StartsWith(reason, rejection.Reason);
    }

    [Theory]
    [InlineData("2026-11-30T14:05:00-05:00", "web form", "2026-11-30T19:05:00.0000000+00:00|web form")]
    [InlineData("2026-11-30", "", "2026-11-30T00:00:00.0000000+00:00|")]
    [InlineData("2026-11-30 09:15", "paper", "2026-11-30T09:15:00.0000000+00:00|paper")]
    [InlineData("", "", "|")]
    public void Read_when_and_how_consent_was_given(string at, string source, string expected)
    {
        var columns = ImportColumns.Map(["phone", "Consent Date", "opt-in source"]);
        var lead = Assert.IsType<LeadRow>(LeadRowRules.Apply(2, ["+12125550175", at, source], columns, "US", null, Now));
        Assert.Equal(expected, $"{lead.ConsentAt:O}|{lead.ConsentSource}");
    }

    [Theory]
    [InlineData("yes", "", "consent time is not a date")]
    [InlineData("2026-12-03", "", "consent time is in the future")]
    [InlineData("1999-12-31", "", "consent time is before 2000")]
    [InlineData("", "web form", "consent source needs the consent time")]
    public void Reject_a_consent_that_cannot_be(string at, string source, string reason)
    {
        var columns = ImportColumns.Map(["phone", "consent_at", "consent_source"]);
        Assert.StartsWith(reason, Assert.IsType<RowRejection>(LeadRowRules.Apply(2, ["+12125550175", at, source], columns, "US", null, Now)).Reason);
    }

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Reject_an_unknown_time_zone_and_overlong_fields()
    {
        Assert.StartsWith("time zone", Assert.IsType<RowRejection>(Row("(212) 555-0175", tz: "Mars/Olympus")).Reason);
        Assert.StartsWith("a name is longer", Assert.IsType<RowRejection>(Row("(212) 555-0175", first: new string('a', 101))).Reason);
        Assert.StartsWith("'plan' is longer", Assert.IsType<RowRejection>(Row("(212) 555-0175", plan: new string('a', 1001))).Reason);
        Assert.StartsWith("phone is longer", Assert.IsType<RowRejection>(Row(new string('1', 65))).Reason);
        Assert.StartsWith("malformed row", Assert.IsType<RowRejection>(LeadRowRules.Apply(3, ["1"], Columns, "US", "a quoted field is not closed")).Reason);
        Assert.StartsWith("the row has 8 fields", Assert.IsType<RowRejection>(LeadRowRules.Apply(3, ["(212) 555-0175", "", "", "", "", "", "x", "y"], Columns, "US", null)).Reason);
    }

    [Fact]
    public void Keep_a_good_row_with_zone_from_the_row_or_the_number_and_custom_fields()
    {
        var lead = Assert.IsType<LeadRow>(Row("(212) 555-0175", email: "Ada@Example.com", plan: "gold"));
        Assert.Equal("+12125550175", lead.PhoneE164);
        Assert.Equal("(212) 555-0175", lead.PhoneRaw);
        Assert.Equal("ada@example.com", lead.Email);
        Assert.Equal("America/New_York", lead.TimeZone);       // from the number
        Assert.Equal("{\"plan\":\"gold\"}", lead.CustomFieldsJson);

        Assert.Equal("Europe/Paris", Assert.IsType<LeadRow>(Row("(212) 555-0175", tz: "Europe/Paris")).TimeZone);
        Assert.Equal("America/Chicago", Assert.IsType<LeadRow>(Row("(212) 555-0175", tz: "Central Standard Time")).TimeZone);
        Assert.Equal("America/Los_Angeles", Assert.IsType<LeadRow>(Row("(415) 555-0100")).TimeZone);
    }

    [Fact]
    public void Split_a_full_name_column()
    {
        var columns = ImportColumns.Map(["Name", "Phone"]);
        var lead = Assert.IsType<LeadRow>(LeadRowRules.Apply(2, ["Mary Ann Smith", "+12125550175"], columns, "US", null));
        Assert.Equal("Mary", lead.FirstName);
        Assert.Equal("Ann Smith", lead.LastName);
    }

    [Theory]
    [InlineData("PK\u0003\u0004rest", 415)]   // .xlsx (zip)
    [InlineData("", 400)]                      // empty
    [InlineData("name,email\nx,y\n", 400)]     // no phone column
    [InlineData("phone\n", 400)]               // a header and no rows
    public async Task Refuse_files_that_cannot_be_imported_before_reading_rows(string content, int status)
    {
        await using var stream = new MemoryStream(Encoding.Latin1.GetBytes(content));
        var e = await Assert.ThrowsAsync<ImportInputException>(() => ImportSource.OpenAsync(stream, 1 << 20, default));
        Assert.Equal(status, e.Status);
    }

    [Fact]
    public async Task Name_the_headers_found_when_no_phone_column_exists()
    {
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes("Name,E-mail,Company\nx,y,z\n"));
        var e = await Assert.ThrowsAsync<ImportInputException>(() => ImportSource.OpenAsync(stream, 1 << 20, default));
        Assert.Contains("'Name', 'E-mail', 'Company'", e.Message);
    }

    [Fact]
    public async Task Refuse_binary_content()
    {
        await using var stream = new MemoryStream([0x50, 0x00, 0x01, 0x02, 0x68, 0x6f, 0x6e, 0x65]);
        Assert.Equal(415, (await Assert.ThrowsAsync<ImportInputException>(() => ImportSource.OpenAsync(stream, 1 << 20, default))).Status);
    }
}
