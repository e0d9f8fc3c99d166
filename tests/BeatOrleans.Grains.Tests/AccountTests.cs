using BeatOrleans.Contracts.Users;

namespace BeatOrleans.Grains.Tests;

[Collection(GrainClusterGroup.Name)]
public sealed class AccountTests(GrainCluster cluster)
{
    private static string NewId() => Guid.NewGuid().ToString("N");

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..20];

    private Task<SignupResult> Register(string userId, string username, string email) =>
        cluster.Grains.GetGrain<IUserGrain>(userId).Register(new Signup(username, email, "correct horse battery"));

    [Fact]
    public async Task Concurrent_signups_with_one_email_create_exactly_one_account()
    {
        var email = $"{Unique("race")}@example.com";
        var results = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => Register(NewId(), Unique($"racer{i}"), i % 2 == 0 ? email : email.ToUpperInvariant())));

        Assert.Single(results, r => r.Status == SignupStatus.Created);
        Assert.Equal(19, results.Count(r => r.Status == SignupStatus.EmailTaken));
    }

    [Fact]
    public async Task Usernames_are_unique_whatever_their_case()
    {
        var name = Unique("Beat");
        Assert.Equal(SignupStatus.Created, (await Register(NewId(), name, $"{Unique("a")}@example.com")).Status);

        var second = await Register(NewId(), name.ToLowerInvariant(), $"{Unique("b")}@example.com");

        Assert.Equal(SignupStatus.UsernameTaken, second.Status);
    }

    [Fact]
    public async Task A_losing_signup_leaves_its_other_name_free()
    {
        var takenEmail = $"{Unique("taken")}@example.com";
        await Register(NewId(), Unique("first"), takenEmail);
        var freeName = Unique("second");

        Assert.Equal(SignupStatus.EmailTaken, (await Register(NewId(), freeName, takenEmail)).Status);
        Assert.Equal(SignupStatus.Created, (await Register(NewId(), freeName, $"{Unique("c")}@example.com")).Status);
    }

    [Fact]
    public async Task Changing_a_username_frees_the_old_one_and_holds_the_new_one()
    {
        var userId = NewId();
        var oldName = Unique("old");
        var newName = Unique("new");
        await Register(userId, oldName, $"{Unique("d")}@example.com");

        var update = await cluster.Grains.GetGrain<IUserGrain>(userId).UpdateProfile(new ProfileChanges(newName, null, "bio"));

        Assert.Equal(ProfileUpdateStatus.Updated, update.Status);
        Assert.Equal(newName, update.Profile!.Username);
        Assert.Equal(SignupStatus.UsernameTaken, (await Register(NewId(), newName, $"{Unique("e")}@example.com")).Status);
        Assert.Equal(SignupStatus.Created, (await Register(NewId(), oldName, $"{Unique("f")}@example.com")).Status);
    }

    [Fact]
    public async Task Changing_to_a_taken_email_changes_nothing()
    {
        var userId = NewId();
        var email = $"{Unique("mine")}@example.com";
        var taken = $"{Unique("theirs")}@example.com";
        await Register(userId, Unique("me"), email);
        await Register(NewId(), Unique("them"), taken);
        var user = cluster.Grains.GetGrain<IUserGrain>(userId);

        var update = await user.UpdateProfile(new ProfileChanges(Unique("renamed"), taken, "new bio"));

        Assert.Equal(ProfileUpdateStatus.EmailTaken, update.Status);
        var profile = await user.GetProfile();
        Assert.Equal(email, profile!.Email);
        Assert.Equal("", profile.Bio);
    }

    [Fact]
    public async Task A_claim_left_by_a_crashed_signup_is_released_after_the_pending_timeout()
    {
        var name = Unique("ghost");
        // A signup that died after claiming, before its user grain stored anything.
        Assert.True(await cluster.Grains.GetGrain<IIdentityIndexGrain>(IdentityKey.ForUsername(name).GrainKey).Claim(NewId()));

        Assert.Equal(SignupStatus.UsernameTaken, (await Register(NewId(), name, $"{Unique("g")}@example.com")).Status);
        GrainCluster.Clock.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(SignupStatus.Created, (await Register(NewId(), name, $"{Unique("h")}@example.com")).Status);
    }

    [Fact]
    public async Task Passwords_are_stored_hashed_and_verified()
    {
        var userId = NewId();
        await Register(userId, Unique("pw"), $"{Unique("i")}@example.com");
        var user = cluster.Grains.GetGrain<IUserGrain>(userId);

        Assert.True(await user.VerifyPassword("correct horse battery"));
        Assert.False(await user.VerifyPassword("correct horse battery!"));
    }
}
