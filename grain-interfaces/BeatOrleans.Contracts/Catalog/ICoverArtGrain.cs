namespace BeatOrleans.Contracts.Catalog;

/// <summary>
/// Makes a producer's uploaded image into a beat's cover on a catalog silo (where FFmpeg is): the image is decoded
/// with its format forced, cropped to a square and written anew as JPEGs without its metadata (a phone photo's
/// location goes), then handed to the beat. A stateless worker: callers spread their calls over several keys, since a
/// client sends every call to one grain id through the same gateway, where a stateless worker is activated.
/// </summary>
[Alias("catalog.ICoverArtGrain")]
public interface ICoverArtGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Makes <paramref name="upload"/> (an image in blob storage, <c>jpeg</c>, <c>png</c> or <c>webp</c> by its
    /// first bytes) the cover of <paramref name="beatId"/> for its producer <paramref name="callerId"/>. The upload
    /// stays where it is: the caller removes it. A refusal leaves no file behind.
    /// </summary>
    [Alias("Apply"), ResponseTimeout(CoverArt.ResponseTimeout)]
    Task<CoverResult> Apply(string beatId, string callerId, StoredFile upload);
}
