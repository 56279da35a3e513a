using System.Text;

namespace Callvia.Bench;

/// <summary>
/// Realistic lead files: US numbers written in mixed formats, about 2% bad rows (missing or invalid
/// phone, bad email), about 1% repeated numbers, a custom column. Alongside, the good distinct rows
/// already normalized, as PostgreSQL's COPY would take them (the baseline).
/// </summary>
public static class LeadCsvGenerator
{
    private static readonly string[] First = ["Ava", "Liam", "Mia", "Noah", "Zoe", "Omar", "Ivy", "Leo", "Ada", "Kai", "Eva", "Max", "Lia", "Sam", "Ben", "Uma"];
    private static readonly string[] Last = ["Stone", "Reed", "Hart", "Cole", "Lane", "Fox", "Wade", "Bell", "Moss", "Hale", "Pike", "Rowe", "Shaw", "Kent"];
    // real, valid NANP area codes (libphonenumber checks them)
    private static readonly int[] AreaCodes = [212, 213, 305, 312, 415, 512, 617, 702, 718, 646, 404, 503, 206, 303, 602, 615, 713, 214, 816, 919];

    public sealed record Files(string Csv, string Normalized, int Rows, int GoodDistinct);

    public static Files Write(string dir, int rows, Guid clientId, Guid campaignId, int seed = 42)
    {
        var random = new Random(seed);
        var csvPath = Path.Combine(dir, $"leads-{rows}.csv");
        var normalizedPath = Path.Combine(dir, $"leads-{rows}-normalized.csv");
        using var csv = new StreamWriter(csvPath, false, new UTF8Encoding(false), 1 << 16);
        using var normalized = new StreamWriter(normalizedPath, false, new UTF8Encoding(false), 1 << 16);
        csv.Write("First Name,Last Name,Phone,Email,Company\r\n");
        var seen = new HashSet<string>();
        var previous = new List<string>();
        var good = 0;
        var now = DateTimeOffset.UtcNow.ToString("O");
        for (var i = 0; i < rows; i++)
        {
            var first = First[random.Next(First.Length)];
            var last = Last[random.Next(Last.Length)];
            var company = random.Next(10) == 0 ? $"\"{last}, {first} & Co\"" : $"{last} Inc";
            var roll = random.Next(1000);
            if (roll < 10) { csv.Write($"{first},{last},,{first}@example.com,{company}\r\n"); continue; }                 // missing phone
            if (roll < 18) { csv.Write($"{first},{last},555-01{random.Next(10)},{first}@example.com,{company}\r\n"); continue; } // too short
            if (roll < 20) { csv.Write($"{first},{last},(212) 555-{random.Next(1000, 9999)},not-an-email,{company}\r\n"); continue; } // bad email
            string e164;
            if (roll < 30 && previous.Count > 0) e164 = previous[random.Next(previous.Count)];                              // repeat
            else
            {
                var area = AreaCodes[random.Next(AreaCodes.Length)];
                e164 = $"+1{area}{random.Next(200, 999)}{random.Next(0, 10000):D4}";
            }
            var digits = e164[2..];
            var raw = random.Next(5) switch
            {
                0 => e164,
                1 => $"({digits[..3]}) {digits[3..6]}-{digits[6..]}",
                2 => $"{digits[..3]}.{digits[3..6]}.{digits[6..]}",
                3 => $"1-{digits[..3]}-{digits[3..6]}-{digits[6..]}",
                _ => digits,
            };
            var email = $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}{i}@example.com";
            csv.Write($"{first},{last},{raw},{email},{company}\r\n");
            if (previous.Count < 5000) previous.Add(e164);
            if (!seen.Add(e164)) continue;
            good++;
            var companyValue = company.Trim('"');
            normalized.Write($"{Guid.CreateVersion7()},{clientId},{campaignId},{first},{last},{e164},\"{raw}\",{email},America/New_York,new,0,\"{{\"\"Company\"\":\"\"{companyValue}\"\"}}\",{now},{now}\n");
        }
        return new Files(csvPath, normalizedPath, rows, good);
    }
}
