namespace BeatOrleans.Contracts;

/// <summary>Settings shared by the grain methods that hash or verify a password.</summary>
public static class Credentials
{
    /// <summary>
    /// The response timeout of a grain method that hashes or verifies a password (the default is 5 s). A hash takes
    /// ~100 ms of a core, and a silo computes only cores-1 at once, so a burst of signups and logins queues for a
    /// slot; the queue is bounded (<c>Users:Passwords:QueueTimeout</c>, refused with
    /// <see cref="Users.PasswordChecksBusyException"/> before anything changes). The default timeout was shorter than
    /// a full queue on a busy machine: the client then got a 503 while its signup went on and created the account,
    /// and trying again answered "username taken". This leaves the queue time and the hash room to finish.
    /// </summary>
    public const string ResponseTimeout = "00:00:15";
}
