using BeatOrleans.Contracts;
using BeatOrleans.Contracts.Users;

namespace BeatOrleans.Users.Accounts;

[GenerateSerializer, Alias("users.IdentityClaim")]
public sealed class IdentityClaim
{
    [Id(0)] public string? OwnerId { get; set; }

    /// <summary>False between a claim and the owner's state write: a crash in that gap leaves a claim to repair.</summary>
    [Id(1)] public bool Confirmed { get; set; }

    [Id(2)] public DateTimeOffset ClaimedAt { get; set; }
}

/// <summary>
/// One grain per username or email: Orleans runs one activation of it, so two signups racing for the same
/// name are ordered here and exactly one wins.
/// </summary>
internal sealed class IdentityIndexGrain(
    [PersistentState("claim", StorageNames.Documents)] IPersistentState<IdentityClaim> claim,
    TimeProvider clock) : Grain, IIdentityIndexGrain
{
    /// <summary>How long an unconfirmed claim blocks others before the owner is asked whether it holds the name.</summary>
    public static readonly TimeSpan PendingTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The repair under way: <see cref="GetOwner"/> is a read and interleaves with other reads, which wait for this one
    /// rather than write the claim concurrently (an ETag conflict would fail one, and its activation be replaced).
    /// </summary>
    private Task<string?>? repairing;

    public async Task<bool> Claim(string userId)
    {
        var owner = await CurrentOwner();
        if (owner == userId)
        {
            return true;
        }

        if (owner is not null)
        {
            return false;
        }

        claim.State = new IdentityClaim { OwnerId = userId, Confirmed = false, ClaimedAt = clock.GetUtcNow() };
        await claim.WriteStateAsync();
        return true;
    }

    public async Task Confirm(string userId)
    {
        if (claim.State.OwnerId == userId && !claim.State.Confirmed)
        {
            claim.State.Confirmed = true;
            await claim.WriteStateAsync();
        }
    }

    public async Task Release(string userId)
    {
        if (claim.State.OwnerId == userId)
        {
            await claim.ClearStateAsync();
        }
    }

    public async Task<string?> GetOwner()
    {
        var owner = await CurrentOwner();
        return claim.State.Confirmed ? owner : null;
    }

    /// <summary>The holder of the name, after repairing a claim whose owner died before confirming it.</summary>
    private async Task<string?> CurrentOwner()
    {
        if (!NeedsRepair())
        {
            return claim.State.OwnerId;
        }

        if (repairing is not { IsCompleted: false })
        {
            repairing = Repair();
        }

        return await repairing;
    }

    private bool NeedsRepair() => claim.State is { OwnerId: not null, Confirmed: false } state
        && clock.GetUtcNow() - state.ClaimedAt >= PendingTimeout;

    private async Task<string?> Repair()
    {
        var state = claim.State;
        var owner = GrainFactory.GetGrain<IUserGrain>(state.OwnerId!);
        if (await owner.Holds(ParseKey(this.GetPrimaryKeyString())))
        {
            state.Confirmed = true;
            await claim.WriteStateAsync();
            return state.OwnerId;
        }

        await claim.ClearStateAsync();
        return null;
    }

    private static IdentityKey ParseKey(string grainKey)
    {
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        var kind = Enum.Parse<IdentityKind>(grainKey[..slash], ignoreCase: true);
        return new IdentityKey(kind, grainKey[(slash + 1)..]);
    }
}
