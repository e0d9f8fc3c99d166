using BeatOrleans.Contracts.Users;

namespace BeatOrleans.Grains.Tests;

[Collection(GrainClusterGroup.Name)]
public sealed class LoginTests(GrainCluster cluster)
{
    private const string Password = "correct horse battery";

    private ILoginGrain Login => cluster.Grains.GetGrain<ILoginGrain>(0);

    private async Task<string> NewAccount()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        var result = await cluster.Grains.GetGrain<IUserGrain>(Guid.NewGuid().ToString("N"))
            .Register(new Signup($"u{Guid.NewGuid():N}"[..16], email, Password));
        Assert.Equal(SignupStatus.Created, result.Status);
        return email;
    }

    [Fact]
    public async Task Login_opens_a_session_for_the_account_whatever_the_email_case()
    {
        var email = await NewAccount();

        var outcome = await Login.Login(email.ToUpperInvariant(), Password);

        Assert.Equal(LoginStatus.Succeeded, outcome.Status);
        var session = cluster.Grains.GetGrain<ISessionGrain>(outcome.SessionId!);
        Assert.Equal(outcome.UserId, await session.GetActiveUser());
    }

    [Fact]
    public async Task Unknown_email_and_wrong_password_get_the_same_answer()
    {
        var email = await NewAccount();

        var wrongPassword = await Login.Login(email, "not the password");
        var unknownEmail = await Login.Login($"{Guid.NewGuid():N}@example.com", Password);

        Assert.Equal(wrongPassword, unknownEmail);
        Assert.Equal(LoginStatus.InvalidCredentials, wrongPassword.Status);
    }

    [Fact]
    public async Task Repeated_failures_throttle_the_account_until_the_window_passes()
    {
        var email = await NewAccount();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(LoginStatus.InvalidCredentials, (await Login.Login(email, "wrong")).Status);
        }

        var throttled = await Login.Login(email, Password);
        Assert.Equal(LoginStatus.Throttled, throttled.Status);
        Assert.InRange(throttled.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15));

        GrainCluster.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(LoginStatus.Succeeded, (await Login.Login(email, Password)).Status);
    }
}
