using BeatOrleans.Api.RealTime;

namespace BeatOrleans.Api.Tests.RealTime;

/// <summary>One user's connections on a node: places, and the registration with the user's push grain.</summary>
public sealed class UserConnectionsTests
{
    private sealed class Link(string session) : ILiveConnection
    {
        public string SessionId { get; } = session;

        public void CloseForEndedSession()
        {
        }
    }

    [Fact]
    public async Task A_failed_registration_is_made_again_by_the_next_connection_not_handed_to_it()
    {
        var attempts = 0;
        var connections = new UserConnections(() => ++attempts == 1
            ? Task.FromException(new TimeoutException("the push grain's silo did not answer"))
            : Task.CompletedTask);

        await Assert.ThrowsAsync<TimeoutException>(() => connections.Subscribed);
        await connections.Subscribed;
        await connections.Subscribed;

        Assert.Equal(2, attempts);
    }

    [Fact]
    public void A_user_has_at_most_the_limit_of_places_and_a_left_connection_frees_its_own()
    {
        var connections = new UserConnections(() => Task.CompletedTask);
        var first = new Link("s1");
        var second = new Link("s2");

        Assert.Equal(UserConnections.AddOutcome.Added, connections.TryAdd(first, 2));
        Assert.Equal(UserConnections.AddOutcome.Added, connections.TryAdd(second, 2));
        Assert.Equal(UserConnections.AddOutcome.Full, connections.TryAdd(new Link("s3"), 2));
        Assert.True(connections.IsFull(2));

        Assert.False(connections.Remove(first));
        Assert.Equal(UserConnections.AddOutcome.Added, connections.TryAdd(new Link("s4"), 2));
    }
}
