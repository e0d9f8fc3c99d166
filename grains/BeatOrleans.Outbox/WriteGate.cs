namespace BeatOrleans.Outbox;

/// <summary>
/// One writer at a time inside a grain whose calls interleave (group commit): every piece of code that writes the
/// grain's state runs through <see cref="Run"/>, so two writes never overlap and a batch is never stored while the
/// outbox sweep or a deactivation writes the same state.
/// </summary>
public sealed class WriteGate : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task Run(Func<Task> write, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await write();
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<T> Run<T>(Func<Task<T>> write)
    {
        await gate.WaitAsync();
        try
        {
            return await write();
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}
