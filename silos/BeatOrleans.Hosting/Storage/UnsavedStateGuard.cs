using BeatOrleans.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace BeatOrleans.Hosting.Storage;

/// <summary>
/// Keeps a grain from serving state its storage refused. Grains change their state in memory, then write it; when
/// the write fails (storage down, a timeout, an ETag conflict) the activation's memory holds a change storage does
/// not. Its next calls would read that change as done (a retried sale answered "sold to you" with nothing stored, a
/// logout "revoked" that comes back after a restart) and a later write, or the one at deactivation, could store what
/// the caller was told had failed. So the activation is marked: every further write of it is refused, every call to
/// it fails with <see cref="StateNotSavedException"/> before it runs, and it is deactivated as soon as the failing
/// call ends. The mark lives on the activation and goes with it; the next activation reads what storage holds.
/// </summary>
/// <remarks>
/// One place for every grain of every domain, at the storage and call boundaries, instead of an undo in each of the
/// grains' many write paths. Orleans' own grains (stream pub-sub) keep their storage as it is.
/// </remarks>
public static class UnsavedStateGuard
{
    /// <summary>Wraps the named storage providers (call it after they are added) and adds the call filter.</summary>
    public static ISiloBuilder AddUnsavedStateGuard(this ISiloBuilder silo, params string[] storageNames)
    {
        var services = silo.Services;
        foreach (var name in storageNames)
        {
            var registered = services.LastOrDefault(d => d.ServiceType == typeof(IGrainStorage)
                && d.IsKeyedService && Equals(d.ServiceKey, name))
                ?? throw new InvalidOperationException($"No grain storage named '{name}' is registered to guard.");
            services.Remove(registered);
            services.AddKeyedSingleton<IGrainStorage>(name, (provider, key) => new GuardedStorage(
                Create(registered, provider, key), provider.GetRequiredService<IGrainContextAccessor>(),
                provider.GetRequiredService<Orleans.Serialization.DeepCopier>(),
                provider.GetRequiredService<ILogger<GuardedStorage>>(), name));
        }

        silo.AddIncomingGrainCallFilter<UnsavedStateFilter>();
        return silo;
    }

    private static IGrainStorage Create(ServiceDescriptor registered, IServiceProvider provider, object? key) =>
        (IGrainStorage)(registered.KeyedImplementationInstance
            ?? registered.KeyedImplementationFactory?.Invoke(provider, key)
            ?? ActivatorUtilities.CreateInstance(provider, registered.KeyedImplementationType!));
}

/// <summary>The mark of an activation whose last state write failed (a component of its grain context).</summary>
internal sealed class UnsavedState
{
    public static readonly UnsavedState Marker = new();

    public static bool IsOn(IGrainContext? activation) => activation?.GetComponent<UnsavedState>() is not null;
}

/// <summary>A grain storage that marks the activation whose write failed and refuses its later writes.</summary>
internal sealed partial class GuardedStorage(
    IGrainStorage inner, IGrainContextAccessor activations, Orleans.Serialization.DeepCopier copier,
    ILogger<GuardedStorage> logger, string name)
    : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.ReadStateAsync(stateName, grainId, grainState);
        }
        catch (Exception exception) when (UnsavedStateFilter.StoreFailure(exception) is { } store)
        {
            // An activation that cannot read fails; its caller gets an exception Orleans can carry.
            LogReadFailed(logger, exception, stateName, name, grainId);
            throw CallRefusals.Unavailable(store);
        }
    }

    /// <summary>
    /// Writes a copy of the state taken now, on the grain's turn. The ADO.NET provider (PostgreSQL, SQLite) serializes
    /// the state only after it awaited its connection, on another thread, while the grain's scheduler runs its other
    /// work: the end of a background publication that drops confirmed events from the outbox list, an interleaved
    /// call. A list changed while it is serialized fails the write or stores a mix of two moments.
    /// </summary>
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guarded(stateName, grainId, async () =>
        {
            var copy = new GrainState<T>(copier.Copy(grainState.State), grainState.ETag)
            {
                RecordExists = grainState.RecordExists,
            };
            await inner.WriteStateAsync(stateName, grainId, copy);
            grainState.ETag = copy.ETag;
            grainState.RecordExists = copy.RecordExists;
        });

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guarded(stateName, grainId, () => inner.ClearStateAsync(stateName, grainId, grainState));

    private async Task Guarded(string stateName, GrainId grainId, Func<Task> write)
    {
        var activation = activations.GrainContext;
        if (UnsavedState.IsOn(activation))
        {
            throw new StateNotSavedException(
                $"{grainId} is being replaced after a failed state write; this write of '{stateName}' was not made.");
        }

        try
        {
            await write();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            activation?.SetComponent(UnsavedState.Marker);
            LogWriteFailed(logger, exception, stateName, name, grainId);
            if (UnsavedStateFilter.StoreFailure(exception) is { } store)
            {
                throw CallRefusals.Unavailable(store);
            }

            throw;
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading state {StateName} of {GrainId} from {Storage} failed")]
    private static partial void LogReadFailed(
        ILogger logger, Exception exception, string stateName, string storage, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Writing state {StateName} of {GrainId} to {Storage} failed; the activation is being replaced")]
    private static partial void LogWriteFailed(
        ILogger logger, Exception exception, string stateName, string storage, GrainId grainId);
}

/// <summary>
/// Refuses calls to an activation whose last write failed, and deactivates it once the failing call ends. What leaves
/// a call that ran is told apart from what leaves one that did not: a refusal or a lost silo met by a grain this call
/// called (the call itself ran, and may have changed something) leaves it as a
/// <see cref="CallFailedAfterRunningException"/>, and a store's own exception (Npgsql, StackExchange.Redis, SQLite,
/// which Orleans has no codec for) as a <see cref="StorageUnavailableException"/>.
/// </summary>
internal sealed class UnsavedStateFilter : IIncomingGrainCallFilter
{
    private static readonly DeactivationReason Reason =
        new(DeactivationReasonCode.ApplicationError, "Its last state write failed: memory may differ from storage.");

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (UnsavedState.IsOn(context.TargetContext))
        {
            context.TargetContext.Deactivate(Reason);
            throw new StateNotSavedException();
        }

        try
        {
            await context.Invoke();
        }
        catch (Exception exception) when (StoreFailure(exception) is { } store)
        {
            throw CallRefusals.Unavailable(store);
        }
        catch (Exception exception) when (SaysNothingRan(exception))
        {
            throw new CallFailedAfterRunningException($"{context.InterfaceName}.{context.MethodName} ran, then met "
                + $"{exception.GetType().Name}: {exception.Message}");
        }
        finally
        {
            if (UnsavedState.IsOn(context.TargetContext))
            {
                context.TargetContext.Deactivate(Reason);
            }
        }
    }

    /// <summary>
    /// An exception that, reaching the caller as it is, would say its call never ran or that only its answer was
    /// lost (a silo lost, a timeout).
    /// </summary>
    private static bool SaysNothingRan(Exception exception) =>
        CallRefusals.RefusedBeforeRunning(exception) || exception is SiloUnavailableException or TimeoutException;

    /// <summary>The store client's exception in the causes of <paramref name="exception"/>, if any.</summary>
    internal static Exception? StoreFailure(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Data.Common.DbException or StackExchange.Redis.RedisException)
            {
                return e;
            }

            if (e is AggregateException { InnerExceptions.Count: > 1 } many)
            {
                return many.InnerExceptions.Select(StoreFailure).FirstOrDefault(found => found is not null);
            }
        }

        return null;
    }
}
