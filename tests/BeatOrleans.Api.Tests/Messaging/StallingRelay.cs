using System.Net;
using System.Net.Sockets;

namespace BeatOrleans.Api.Tests.Messaging;

/// <summary>
/// A TCP relay in front of the run's RabbitMQ that can stop passing bytes while keeping every connection open: to the
/// host it is a broker that is up but does not answer, as when a memory or disk alarm blocks its publishers. Bytes
/// that arrive while it is stalled are held, in order, and pass on <see cref="Resume"/>.
/// </summary>
public sealed class StallingRelay : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Uri broker;
    private readonly List<TcpClient> connections = [];
    private readonly Task accepting;
    private TaskCompletionSource flowing = Flowing();

    public StallingRelay(string brokerConnectionString)
    {
        broker = new Uri(brokerConnectionString);
        listener.Start();
        accepting = Accept();
    }

    /// <summary>The broker's connection string with the relay's port in place of the broker's.</summary>
    public string ConnectionString =>
        new UriBuilder(broker) { Port = ((IPEndPoint)listener.LocalEndpoint).Port }.Uri.ToString();

    public void Stall() => flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Resume() => flowing.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        lock (connections)
        {
            connections.ForEach(connection => connection.Dispose());
        }

        await accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        stop.Dispose();
    }

    private static TaskCompletionSource Flowing()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task Accept()
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stop.Token);
            _ = Serve(client);
        }
    }

    private async Task Serve(TcpClient client)
    {
        var upstream = new TcpClient();
        lock (connections)
        {
            connections.Add(client);
            connections.Add(upstream);
        }

        try
        {
            await upstream.ConnectAsync(broker.Host, broker.Port, stop.Token);
            var (near, far) = (client.GetStream(), upstream.GetStream());
            await Task.WhenAny(Pump(near, far), Pump(far, near));
        }
        catch (Exception exception)
            when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A side closed, or the relay stops: the other side sees its connection end.
        }
        finally
        {
            client.Dispose();
            upstream.Dispose();
        }
    }

    private async Task Pump(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, stop.Token)) > 0)
        {
            await flowing.Task.WaitAsync(stop.Token);
            await to.WriteAsync(buffer.AsMemory(0, read), stop.Token);
        }
    }
}
