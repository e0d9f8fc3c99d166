using System.Text.Json.Nodes;

namespace BeatOrleans.Api.OpenApi;

/// <summary>Examples of the main requests, as a client would send them.</summary>
internal static class Examples
{
    public static JsonNode JsonUpload => new JsonObject
    {
        ["title"] = "Night Drive",
        ["file_url"] = "https://beats.example.com/api/beats/uploads/0197c2b5a3f47d1c9e2b6a8d4f3e1c20",
        ["genre"] = "trap",
        ["bpm"] = 140,
        ["tags"] = new JsonArray("dark", "808"),
        ["licenses"] = new JsonArray(
            new JsonObject { ["license_type"] = "mp3_lease", ["price"] = 29.99 },
            new JsonObject { ["license_type"] = "exclusive", ["price"] = 499 }),
    };

    /// <summary>Request examples by operation id.</summary>
    public static readonly Dictionary<string, Func<JsonNode>> Requests = new()
    {
        ["Signup"] = () => new JsonObject { ["username"] = "night_owl", ["email"] = "owl@example.com", ["password"] = "correct-horse-battery-staple-7" },
        ["Login"] = () => new JsonObject { ["email"] = "owl@example.com", ["password"] = "correct-horse-battery-staple-7" },
        ["Refresh"] = () => new JsonObject { ["refresh_token"] = "0197c2b5a3f47d1c9e2b6a8d4f3e1c20.q3x9AbV0dW8kLm2PzR7tYh" },
        ["UpdateProfile"] = () => new JsonObject { ["username"] = "night_owl_beats", ["bio"] = "Trap producer from Lyon." },
        ["Logout"] = () => new JsonObject(),
        ["CreatePurchase"] = () => new JsonObject { ["beat_id"] = "0197c2b5a3f47d1c9e2b6a8d4f3e1c20", ["license_type"] = "wav_lease" },
        ["ConfirmPurchase"] = () => new JsonObject { ["payment_method"] = "pm_card_visa" },
        ["UpdateLicenses"] = () => new JsonObject
        {
            ["licenses"] = new JsonArray(
                new JsonObject { ["license_type"] = "mp3_lease", ["price"] = 24.99 },
                new JsonObject { ["license_type"] = "exclusive", ["price"] = 650 }),
        },
        ["SendMessage"] = () => new JsonObject { ["receiver"] = "night_owl", ["message"] = "Love this beat: is the exclusive still open?" },
        ["MarkNotificationRead"] = () => new JsonObject { ["all"] = true },
    };
}
