namespace BeatOrleans.Api.Conventions;

/// <summary>
/// Beats, purchases, offers, chats and uploads are named by 32 lower-case hex digits (a GUID in "N" form or a hash).
/// A path id of another shape names nothing: it is answered without activating a grain for it. The document states
/// the same shape for every such parameter (OpenApi/Parameters.cs).
/// </summary>
internal static class EntityIds
{
    public const int Length = 32;

    public static bool IsValid(string? id) => id is { Length: Length } && id.All(char.IsAsciiHexDigitLower);

    public static string New() => Guid.NewGuid().ToString("N");
}
