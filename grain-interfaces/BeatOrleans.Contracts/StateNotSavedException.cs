namespace BeatOrleans.Contracts;

/// <summary>
/// The call reached an activation whose last state write failed: its memory may hold changes storage does not, so it
/// ran nothing and is being deactivated; the next activation reads what storage holds. Nothing was changed by this
/// call, so the same call may be made again (the API answers 503 with Retry-After).
/// </summary>
[GenerateSerializer, Alias("StateNotSavedException")]
public sealed class StateNotSavedException : Exception
{
    public StateNotSavedException()
        : base("This activation's last state write failed; it is being replaced. Nothing was changed: try again.")
    {
    }

    public StateNotSavedException(string message)
        : base(message)
    {
    }

    public StateNotSavedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
