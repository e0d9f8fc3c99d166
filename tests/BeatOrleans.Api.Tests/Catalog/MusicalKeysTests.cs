using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Api.Tests.Catalog;

public sealed class MusicalKeysTests
{
    [Theory]
    [InlineData("Fm", "Fm")]
    [InlineData("F minor", "Fm")]
    [InlineData("f min", "Fm")]
    [InlineData("F MINOR", "Fm")]
    [InlineData("A", "A")]
    [InlineData("A major", "A")]
    [InlineData("a maj", "A")]
    [InlineData("AM", "Am")]
    [InlineData("C# minor", "C#m")]
    [InlineData("C sharp minor", "C#m")]
    [InlineData("C♯m", "C#m")]
    [InlineData("Bb", "Bb")]
    [InlineData("bb minor", "Bbm")]
    [InlineData("E♭ major", "Eb")]
    [InlineData(" Am ", "Am")]
    public void Every_spelling_of_a_key_is_one_key(string typed, string key) =>
        Assert.Equal(key, MusicalKeys.Normalize(typed));

    [Theory]
    [InlineData("dorian")]
    [InlineData("H minor")]
    [InlineData("Am/C")]
    public void Free_text_is_kept_as_it_was_typed(string typed) =>
        Assert.Equal(typed, MusicalKeys.Normalize(typed));
}
