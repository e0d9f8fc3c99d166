using BeatOrleans.Chat;
using BeatOrleans.Contracts.Chat;
using BeatOrleans.Hosting.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Storage;

namespace BeatOrleans.Grains.Tests;

/// <summary>
/// The guarded storage of every silo writes a copy of the state taken on the grain's turn, so a provider that
/// serializes after an await of its own (ADO.NET opens its connection first) never sees a change the grain made
/// meanwhile.
/// </summary>
[Collection(GrainClusterGroup.Name)]
public sealed class StateSnapshotTests(GrainCluster cluster)
{
    [Fact]
    public async Task A_provider_that_serializes_late_stores_the_state_as_it_was_when_the_write_began()
    {
        var late = new LateSerializingStorage();
        var copier = cluster.Client.ServiceProvider.GetRequiredService<DeepCopier>();
        var storage = new GuardedStorage(late, new NoActivation(), copier, NullLogger<GuardedStorage>.Instance, "test");
        var state = new ConversationState { Participants = ["a", "b"], Count = 1 };
        var grainState = new GrainState<ConversationState>(state, null);

        var write = storage.WriteStateAsync("conversation", GrainId.Create("test", "x"), grainState);
        // The grain goes on while the provider awaits its connection.
        state.Participants.Add("c");
        state.Count = 2;
        await write;

        Assert.Equal(["a", "b"], late.Stored!.Participants);
        Assert.Equal(1, late.Stored.Count);
        Assert.Equal("etag-1", grainState.ETag);
        Assert.True(grainState.RecordExists);
    }

    private sealed class LateSerializingStorage : IGrainStorage
    {
        public ConversationState? Stored { get; private set; }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            await Task.Delay(100).ConfigureAwait(false);
            var state = (ConversationState)(object)grainState.State!;
            Stored = new ConversationState { Participants = [.. state.Participants], Count = state.Count };
            grainState.ETag = "etag-1";
            grainState.RecordExists = true;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;
    }

    private sealed class NoActivation : IGrainContextAccessor
    {
        public IGrainContext GrainContext => null!;
    }
}
