using System.Reflection;
using BeatOrleans.Api.Orleans;
using BeatOrleans.Contracts.Users;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Serialization.Invocation;

namespace BeatOrleans.Api.Tests.Orleans;

/// <summary>What an API node repeats when a silo is lost: reads, and nothing else.</summary>
public sealed class ReadRetryFilterTests
{
    private static ReadRetryFilter Filter(TimeSpan? budget = null) => new(
        Options.Create(new ReadRetryOptions { Budget = budget ?? TimeSpan.FromSeconds(4), FirstDelay = TimeSpan.FromMilliseconds(1) }),
        TimeProvider.System,
        NullLogger<ReadRetryFilter>.Instance);

    [Fact]
    public async Task A_read_whose_silo_is_gone_is_repeated_until_it_answers()
    {
        var call = new Call(nameof(IUserGrain.GetProfile), new SiloUnavailableException(), new SiloUnavailableException());

        await Filter().Invoke(call);

        Assert.Equal(3, call.Attempts);
        Assert.Null(call.Response!.Exception);
    }

    [Fact]
    public async Task A_write_is_sent_once_even_when_its_silo_is_gone()
    {
        var call = new Call(nameof(IUserGrain.UpdateProfile), new SiloUnavailableException());

        await Filter().Invoke(call);

        Assert.Equal(1, call.Attempts);
        Assert.IsType<SiloUnavailableException>(call.Response!.Exception);
    }

    [Fact]
    public async Task A_read_that_failed_for_its_own_reasons_is_not_repeated()
    {
        var call = new Call(nameof(IUserGrain.GetProfile), new InvalidOperationException("the grain said no"));

        await Filter().Invoke(call);

        Assert.Equal(1, call.Attempts);
        Assert.IsType<InvalidOperationException>(call.Response!.Exception);
    }

    [Fact]
    public async Task A_read_gives_up_with_the_silos_failure_once_the_budget_is_spent()
    {
        var call = new Call(nameof(IUserGrain.GetProfile), [.. Enumerable.Repeat<Exception>(new TimeoutException(), 10_000)]);

        await Filter(TimeSpan.FromMilliseconds(100)).Invoke(call);

        Assert.InRange(call.Attempts, 2, 9_999);
        Assert.IsType<TimeoutException>(call.Response!.Exception);
    }

    /// <summary>An outgoing call to <see cref="IUserGrain"/> whose attempts fail with the given exceptions, then succeed.</summary>
    private sealed class Call(string method, params Exception[] failures) : IOutgoingGrainCallContext
    {
        public int Attempts { get; private set; }

        public MethodInfo InterfaceMethod { get; } = typeof(IUserGrain).GetMethod(method)!;

        public Response? Response { get; set; }

        public object? Result { get; set; }

        public string InterfaceName => nameof(IUserGrain);

        public string MethodName => InterfaceMethod.Name;

        public IInvokable Request => throw new NotSupportedException();

        public object Grain => throw new NotSupportedException();

        public GrainId? SourceId => null;

        public GrainId TargetId => default;

        public GrainInterfaceType InterfaceType => default;

        public IGrainContext? SourceContext => null;

        public Task Invoke()
        {
            Response = Attempts < failures.Length ? Response.FromException(failures[Attempts]) : Response.Completed;
            Attempts++;
            return Task.CompletedTask;
        }
    }
}
