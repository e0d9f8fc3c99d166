namespace BeatOrleans.Contracts.Users;

/// <summary>
/// A users silo had no free password-hashing slot within its queue time: the signup or login was refused before it
/// changed anything, so the client may simply try again (the API answers 503 with Retry-After).
/// </summary>
[GenerateSerializer, Alias("users.PasswordChecksBusyException")]
public sealed class PasswordChecksBusyException : Exception
{
    public PasswordChecksBusyException()
        : base("Every password-hashing slot of this silo stayed busy; nothing was changed.")
    {
    }

    public PasswordChecksBusyException(string message)
        : base(message)
    {
    }

    public PasswordChecksBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
