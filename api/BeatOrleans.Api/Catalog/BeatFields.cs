using System.Globalization;
using System.Text.Json;
using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Api.Catalog;

/// <summary>The beat's describing fields, as both upload forms send them, checked into what a draft needs.</summary>
public sealed record BeatFields(string Title, string? Artist, string? Genre, double? Bpm, string? Key, IReadOnlyList<string> Tags, IReadOnlyList<LicenseTier> Licenses)
{
    public const int MaxTags = 15;
    public const int MaxTagLength = 32;
    public const int MaxTitleLength = 120;
    public const int MaxGenreLength = 40;
    public const int MaxKeyLength = 16;
    public const decimal MinPrice = 0.5m;
    public const decimal MaxPrice = 1_000_000m;
    public const double MinBpm = 20;
    public const double MaxBpm = 400;

    /// <summary>The tiers a beat offers when the producer names neither licences nor a price (README, Beats).</summary>
    public static IReadOnlyList<LicenseTier> DefaultTiers(bool hasStems) =>
    [
        new(LicenseTypes.Mp3Lease, 29.99m, LicenseTypes.DefaultCurrency),
        new(LicenseTypes.WavLease, 49.99m, LicenseTypes.DefaultCurrency),
        .. hasStems ? [new LicenseTier(LicenseTypes.Trackout, 99.99m, LicenseTypes.DefaultCurrency)] : Array.Empty<LicenseTier>(),
        new(LicenseTypes.Unlimited, 199.99m, LicenseTypes.DefaultCurrency),
        new(LicenseTypes.Exclusive, 499.99m, LicenseTypes.DefaultCurrency),
    ];

    /// <summary>Checks raw field values; <paramref name="errors"/> gets one entry per bad field.</summary>
    public static BeatFields? Parse(
        string? title, string? artist, string? genre, string? bpm, string? key, IReadOnlyList<string>? tags, string? price, string? licenses,
        bool hasStems, FieldErrors errors)
    {
        title = CheckTitle(title, errors);
        artist = Optional(artist, "artist", MaxTitleLength, errors);
        genre = Optional(genre, "genre", MaxGenreLength, errors);
        key = MusicalKeys.Normalize(Optional(key, "key", MaxKeyLength, errors));
        var tempo = CheckTempo(bpm, errors);
        var cleanTags = CheckTags(tags, errors);
        var tiers = ParseLicenses(price, licenses, hasStems, errors);
        return errors.Any ? null : new BeatFields(title!, artist, genre, tempo, key, cleanTags, tiers);
    }

    /// <summary>
    /// Checks a producer's edit: only the fields present (not null) change; an empty genre or key clears it and an
    /// empty tag list clears the tags, while title and artist, when present, need a visible character.
    /// </summary>
    public static BeatDetailsEdit? ParseEdit(
        string? title, string? artist, string? genre, System.Text.Json.JsonElement bpm, string? key,
        IReadOnlyList<string>? tags, FieldErrors errors)
    {
        var changed = BeatDetailFields.None;
        if (title is not null)
        {
            changed |= BeatDetailFields.Title;
            title = CheckTitle(title, errors);
        }

        if (artist is not null)
        {
            changed |= BeatDetailFields.Artist;
            artist = Optional(artist, "artist", MaxTitleLength, errors);
            if (!errors.Has("artist") && (artist is null || !PlainText.IsVisible(artist)))
            {
                errors.Add("artist", "artist needs a visible character; leave it out to keep the artist as it is.");
            }
        }

        if (genre is not null)
        {
            changed |= BeatDetailFields.Genre;
            genre = Optional(genre, "genre", MaxGenreLength, errors);
        }

        // Left out: as it was; null: removed; a number: checked as the upload checks it.
        double? tempo = null;
        if (bpm.ValueKind != System.Text.Json.JsonValueKind.Undefined)
        {
            changed |= BeatDetailFields.Bpm;
            if (bpm.ValueKind == System.Text.Json.JsonValueKind.Number && bpm.TryGetDouble(out var value))
            {
                tempo = CheckTempo(value, errors);
            }
            else if (bpm.ValueKind != System.Text.Json.JsonValueKind.Null)
            {
                errors.Add("bpm", $"bpm is a number between {MinBpm} and {MaxBpm}, or null to remove it.");
            }
        }

        if (key is not null)
        {
            changed |= BeatDetailFields.Key;
            key = MusicalKeys.Normalize(Optional(key, "key", MaxKeyLength, errors));
        }

        List<string>? cleanTags = null;
        if (tags is not null)
        {
            changed |= BeatDetailFields.Tags;
            cleanTags = CheckTags(tags, errors);
        }

        if (changed == BeatDetailFields.None && !errors.Any)
        {
            errors.Add("body", "Name at least one of title, artist, genre, bpm, key and tags to change.");
        }

        return errors.Any ? null : new BeatDetailsEdit(changed, title, artist, genre, tempo, key, cleanTags);
    }

    private static string? CheckTitle(string? title, FieldErrors errors)
    {
        title = title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > MaxTitleLength)
        {
            errors.Add("title", $"title is required, at most {MaxTitleLength} characters.");
        }
        else if (!PlainText.IsPlain(title))
        {
            errors.Add("title", $"title {PlainText.Rule}.");
        }
        else if (!PlainText.IsVisible(title))
        {
            errors.Add("title", "title needs a visible character, not only spaces or invisible ones.");
        }

        return title;
    }

    private static double? CheckTempo(string? bpm, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(bpm))
        {
            return null;
        }

        // Text that is no number is refused as a number out of range is (NaN is in no range).
        var value = double.TryParse(bpm, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : double.NaN;
        return CheckTempo(value, errors);
    }

    private static double? CheckTempo(double bpm, FieldErrors errors)
    {
        if (bpm is >= MinBpm and <= MaxBpm)
        {
            return Math.Round(bpm, 2);
        }

        errors.Add("bpm", $"bpm is a number between {MinBpm} and {MaxBpm}.");
        return null;
    }

    private static List<string> CheckTags(IReadOnlyList<string?>? tags, FieldErrors errors)
    {
        if (tags?.Any(t => t is null) == true)
        {
            errors.Add("tags", "Each tag is a string.");
            return [];
        }

        var cleanTags = (tags ?? []).Select(t => t!.Trim().ToLowerInvariant()).Where(t => t.Length > 0)
            .Distinct().ToList();
        if (cleanTags.Count > MaxTags || cleanTags.Any(t => t.Length > MaxTagLength))
        {
            errors.Add("tags", $"At most {MaxTags} tags of at most {MaxTagLength} characters each.");
        }
        else if (!cleanTags.All(t => PlainText.IsPlain(t)))
        {
            errors.Add("tags", $"Each tag {PlainText.Rule}.");
        }
        else if (!cleanTags.All(PlainText.IsVisible))
        {
            errors.Add("tags", "Each tag needs a visible character, not only invisible ones.");
        }

        return cleanTags;
    }

    /// <summary>
    /// A JSON string as text. System.Text.Json throws an invalid-operation error, not a JSON error, for an unpaired
    /// surrogate ("\ud800"); it is kept as one here, so the field's own rule refuses it by name.
    /// </summary>
    private static string? ReadString(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException text) when (RequestErrors.IsInvalidUnicode(text))
        {
            return "\uD800";
        }
    }

    /// <summary>Comma-separated, as the multipart form sends tags.</summary>
    public static IReadOnlyList<string>? SplitTags(string? tags) => tags?.Split(',');

    public static string? JsonText(JsonElement? element) => element switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.String } e => ReadString(e),
        { } e => e.GetRawText(),
    };

    /// <summary>Tags in JSON: a comma-separated string or an array of strings.</summary>
    public static IReadOnlyList<string>? JsonTags(JsonElement? element, FieldErrors errors)
    {
        switch (element)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return null;
            case { ValueKind: JsonValueKind.String } e:
                return SplitTags(ReadString(e));
            case { ValueKind: JsonValueKind.Array } e when e.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String):
                return [.. e.EnumerateArray().Select(t => ReadString(t)!)];
            default:
                errors.Add("tags", "tags is a comma-separated string or an array of strings.");
                return null;
        }
    }

    private static string? Optional(string? value, string name, int max, FieldErrors errors)
    {
        value = value?.Trim();
        if (value?.Length > max)
        {
            errors.Add(name, $"{name} is at most {max} characters.");
        }
        else if (!PlainText.IsPlain(value))
        {
            errors.Add(name, $"{name} {PlainText.Rule}.");
        }

        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static List<LicenseTier> ParseLicenses(string? price, string? licenses, bool hasStems, FieldErrors errors)
    {
        if (!string.IsNullOrWhiteSpace(licenses))
        {
            return ParseTierList(licenses, hasStems, errors);
        }

        if (string.IsNullOrWhiteSpace(price))
        {
            return [.. DefaultTiers(hasStems)];
        }

        if (TryPrice(price, out var amount))
        {
            return [new LicenseTier(LicenseTypes.Mp3Lease, amount, LicenseTypes.DefaultCurrency)];
        }

        errors.Add("price", $"price is a number from 0.50 to {MaxPrice} with at most two decimals.");
        return [];
    }

    internal static List<LicenseTier> ParseTierList(string licenses, bool hasStems, FieldErrors errors)
    {
        var tiers = new List<LicenseTier>();
        const string Shape = "licenses is a JSON array like [{\"license_type\":\"exclusive\",\"price\":300}].";
        if (!PlainText.IsPlain(licenses, multiline: true))
        {
            errors.Add("licenses", RequestErrors.InvalidUnicode);
            return tiers;
        }

        try
        {
            using var document = JsonDocument.Parse(licenses, new() { AllowDuplicateProperties = false });
            if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() is 0 or > 5)
            {
                errors.Add("licenses", Shape + " Between 1 and 5 tiers.");
                return tiers;
            }

            foreach (var tier in document.RootElement.EnumerateArray())
            {
                if (tier.ValueKind != JsonValueKind.Object
                    || !tier.TryGetProperty("license_type", out var type) || type.ValueKind != JsonValueKind.String
                    || !tier.TryGetProperty("price", out var amount) || amount.ValueKind != JsonValueKind.Number)
                {
                    errors.Add("licenses", Shape);
                    return tiers;
                }

                var name = type.GetString()!;
                if (!LicenseTypes.All.Contains(name))
                {
                    errors.Add("licenses", $"Unknown license_type '{name}'; known: {string.Join(", ", LicenseTypes.All)}.");
                    return tiers;
                }

                if (tiers.Any(t => t.LicenseType == name))
                {
                    errors.Add("licenses", $"license_type '{name}' appears twice.");
                    return tiers;
                }

                if (!TryPrice(amount.GetRawText(), out var value))
                {
                    errors.Add("licenses", $"The price of '{name}' is a number from 0.50 to {MaxPrice} with at most two decimals.");
                    return tiers;
                }

                // Tiers are priced in USD; a tier naming another currency would be sold in USD at its number.
                if (tier.TryGetProperty("currency", out var currency) && (currency.ValueKind != JsonValueKind.String
                    || !string.Equals(currency.GetString(), LicenseTypes.DefaultCurrency,
                        StringComparison.OrdinalIgnoreCase)))
                {
                    errors.Add("licenses", $"Licences are priced in {LicenseTypes.DefaultCurrency}: the currency of "
                        + $"'{name}', if given, is \"{LicenseTypes.DefaultCurrency}\".");
                    return tiers;
                }

                if (LicenseTypes.NeedsStems(name) && !hasStems)
                {
                    // In words for the producer (the web client shows it as it is); the API reference names the calls.
                    errors.Add("stems", $"The {LicenseTypes.DisplayName(name)} licence delivers stems: add them first "
                        + "(a ZIP of the track-outs with the upload, or in the beat's Stems afterwards).");
                    return tiers;
                }

                tiers.Add(new LicenseTier(name, value, LicenseTypes.DefaultCurrency));
            }
        }
        catch (JsonException)
        {
            errors.Add("licenses", Shape);
        }
        catch (InvalidOperationException text) when (RequestErrors.IsInvalidUnicode(text))
        {
            errors.Add("licenses", RequestErrors.InvalidUnicode);
        }

        return tiers;
    }

    private static bool TryPrice(string? text, out decimal price) =>
        decimal.TryParse(text, NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out price)
        && price is >= MinPrice and <= MaxPrice
        && decimal.Round(price, 2) == price;
}
