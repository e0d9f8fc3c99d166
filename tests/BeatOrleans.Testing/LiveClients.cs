using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;

namespace BeatOrleans.Testing;

/// <summary>What one live client has received, in order, whatever its transport.</summary>
public sealed class Received
{
    private readonly ConcurrentQueue<(string Method, JsonObject Payload)> items = new();

    public void Add(string method, JsonObject payload) => items.Enqueue((method, payload));

    public IReadOnlyList<(string Method, JsonObject Payload)> All => [.. items];

    /// <summary>Polls until an item matches, for at most 10 s.</summary>
    public async Task<JsonObject> First(string method, Func<JsonObject, bool>? match = null) =>
        (await Eventually.Holds(
            () => Task.FromResult(items.FirstOrDefault(i => i.Method == method && (match?.Invoke(i.Payload) ?? true))),
            found => found.Payload is not null, TimeSpan.FromSeconds(10),
            _ => $"no {method} arrived within 10 s; got: {string.Join(", ", items.Select(i => i.Method))}", TimeSpan.FromMilliseconds(20))).Payload;
}

public static class LiveClients
{
    public static async Task<(HubConnection Hub, Received Received)> ConnectHub(Uri baseAddress, string token)
    {
        var received = new Received();
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "/hubs/marketplace"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        hub.On<JsonObject>("ReceiveMessage", payload => received.Add("ReceiveMessage", payload));
        hub.On<JsonObject>("ReceiveNotification", payload => received.Add("ReceiveNotification", payload));
        await hub.StartAsync();
        // SignalR answers the handshake before the hub's OnConnectedAsync has run, where the node registers the
        // connection for pushes; it handles a client's calls only after that. So the answer to a call (here an error:
        // no such method) means pushes reach this connection from now on.
        try
        {
            await hub.InvokeAsync<object>("AwaitRegistration");
        }
        catch (Microsoft.AspNetCore.SignalR.HubException) when (hub.State == HubConnectionState.Connected)
        {
        }

        if (hub.State != HubConnectionState.Connected)
        {
            throw new InvalidOperationException($"The hub connection ended as it opened ({hub.State}).");
        }

        return (hub, received);
    }

    /// <summary>Connects a plain WebSocket and records every JSON frame under the given name.</summary>
    public static async Task<(ClientWebSocket Socket, Received Received)> ConnectSocket(Uri baseAddress, string path, string token, string name)
    {
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(baseAddress) { Scheme = "ws", Path = path, Query = $"access_token={token}" }.Uri;
        await socket.ConnectAsync(uri, CancellationToken.None);
        var received = new Received();
        _ = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            while (socket.State == WebSocketState.Open)
            {
                try
                {
                    var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Text)
                    {
                        // A message may come in several reads; it is whole at EndOfMessage.
                        message.Write(buffer, 0, result.Count);
                        if (!result.EndOfMessage)
                        {
                            continue;
                        }

                        var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                        message.SetLength(0);
                        JsonObject? frame;
                        try
                        {
                            frame = JsonNode.Parse(text) as JsonObject;
                        }
                        catch (System.Text.Json.JsonException)
                        {
                            frame = null;
                        }

                        // Anything else is recorded too, so that a test waiting for a frame says what came instead.
                        received.Add(frame is null ? $"{name} (not a JSON object)" : name,
                            frame ?? new JsonObject { ["text"] = text });
                    }
                    else if (result.MessageType == WebSocketMessageType.Close)
                    {
                        // A well-behaved client answers the server's close.
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    }
                }
                catch (WebSocketException)
                {
                    return;
                }
            }
        });
        return (socket, received);
    }

    /// <summary>Polls until the server has closed the hub connection, for at most <paramref name="within"/>.</summary>
    public static Task WaitUntilClosed(this HubConnection hub, TimeSpan within) =>
        Eventually.Holds(() => Task.FromResult(hub.State), state => state == HubConnectionState.Disconnected, within,
            state => $"the hub connection was still {state} after {within.TotalSeconds} s", TimeSpan.FromMilliseconds(20));

    /// <summary>Polls until the server has closed the socket, for at most <paramref name="within"/>; answers how it closed.</summary>
    public static async Task<(WebSocketCloseStatus? Status, string? Reason)> WaitUntilClosed(this ClientWebSocket socket, TimeSpan within)
    {
        // The client socket leaves Open a moment before it records the close frame's status: wait for the status.
        await Eventually.Holds(() => Task.FromResult(socket.CloseStatus is not null || socket.State == WebSocketState.Aborted), within,
            $"the socket was still open after {within.TotalSeconds} s", TimeSpan.FromMilliseconds(20));
        return (socket.CloseStatus, socket.CloseStatusDescription);
    }
}
