namespace BeatOrleans.Contracts;

/// <summary>
/// A grain call ran and then failed on something that, as it stands, would say no call ran: a grain it called was
/// refused, unreachable or did not answer. What the call changed before that stays changed, so its caller cannot
/// tell whether a change was made (the API says so, and does not invite a blind repeat). The message keeps the
/// original's type and text.
/// </summary>
[GenerateSerializer, Alias("CallFailedAfterRunningException")]
public sealed class CallFailedAfterRunningException : Exception
{
    public CallFailedAfterRunningException()
        : base("The call ran, then a call it made failed.")
    {
    }

    public CallFailedAfterRunningException(string message)
        : base(message)
    {
    }

    public CallFailedAfterRunningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
