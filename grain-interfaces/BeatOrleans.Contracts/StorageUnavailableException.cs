namespace BeatOrleans.Contracts;

/// <summary>
/// A store a grain needs (PostgreSQL, Redis, SQLite) failed or did not answer during the call. The silo raises this
/// in place of the store client's own exception, which Orleans cannot carry to the caller; the message keeps the
/// original's type and text. A write may or may not have been made.
/// </summary>
[GenerateSerializer, Alias("StorageUnavailableException")]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
        : base("A store this call needs failed or did not answer.")
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
