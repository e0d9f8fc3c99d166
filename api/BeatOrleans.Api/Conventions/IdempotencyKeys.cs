namespace BeatOrleans.Api.Conventions;

/// <summary>
/// The Idempotency-Key header's form, shared by every operation that honours it (purchases, chat sends): 1 to
/// <see cref="MaxLength"/> visible ASCII characters, as Stripe takes them.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    public const int MaxLength = 255;

    public static readonly string Rule = $"The Idempotency-Key header is 1 to {MaxLength} visible ASCII characters.";

    public static bool IsValid(string key) =>
        key.Length is > 0 and <= MaxLength && key.All(c => c is >= '!' and <= '~');
}
