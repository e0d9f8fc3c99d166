using Microsoft.AspNetCore.Http;

namespace BeatOrleans.Testing;

/// <summary>
/// A request's parameters as Stripe reads them: form-encoded bodies (POST) or the query string (GET), with Stripe's
/// bracket syntax for hashes (<c>metadata[purchase_id]=...</c>) and lists (<c>expand[]=...</c>, <c>expand[0]=...</c>).
/// </summary>
internal sealed class StripeForm(IReadOnlyList<KeyValuePair<string, string>> pairs)
{
    public static async Task<StripeForm> Read(HttpRequest request)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (key, values) in request.Query)
        {
            pairs.AddRange(values.Select(v => KeyValuePair.Create(key, v ?? "")));
        }
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            foreach (var (key, values) in form)
            {
                pairs.AddRange(values.Select(v => KeyValuePair.Create(key, v ?? "")));
            }
        }
        return new StripeForm(pairs);
    }

    /// <summary>Same parameters in any order: what Stripe compares when an idempotency key comes back.</summary>
    public string Fingerprint => string.Join('&', pairs.Select(p => $"{p.Key}={p.Value}").Order(StringComparer.Ordinal));

    /// <summary>The top-level parameter names (<c>metadata</c> for <c>metadata[x]</c>).</summary>
    public IEnumerable<string> Names => pairs.Select(p => p.Key.Split('[')[0]).Distinct(StringComparer.Ordinal);

    public string? Get(string name) => pairs.LastOrDefault(p => p.Key == name).Value;

    public IReadOnlyDictionary<string, string> Hash(string name) => pairs
        .Where(p => p.Key.StartsWith(name + "[", StringComparison.Ordinal) && p.Key.EndsWith(']'))
        .GroupBy(p => p.Key[(name.Length + 1)..^1], StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);

    public IReadOnlyList<string> List(string name) => pairs
        .Where(p => p.Key == name + "[]" || (p.Key.StartsWith(name + "[", StringComparison.Ordinal) && p.Key.EndsWith(']') && p.Key[(name.Length + 1)..^1].All(char.IsAsciiDigit)))
        .Select(p => p.Value)
        .ToList();

    /// <summary>The first parameter Stripe would reject as "Received unknown parameter", if any.</summary>
    public string? Unknown(params string[] allowed) => Names.FirstOrDefault(n => !allowed.Contains(n, StringComparer.Ordinal));
}
