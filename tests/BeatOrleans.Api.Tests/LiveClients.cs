using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;

namespace BeatOrleans.Api.Tests;

/// <summary>What one live client has received, in order, whatever its transport.</summary>
public sealed class Received
{
    private readonly ConcurrentQueue<(string Method, JsonObject Payload)> items = new();

    public void Add(string method, JsonObject payload) => items.Enqueue((method, payload));

    public IReadOnlyList<(string Method, JsonObject Payload)> All => [.. items];

    /// <summary>Polls until an item matches, for at most 10 s.</summary>
    public async Task<JsonObject> First(string method, Func<JsonObject, bool>? match = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var found = items.FirstOrDefault(i => i.Method == method && (match?.Invoke(i.Payload) ?? true));
            if (found.Payload is not null)
            {
                return found.Payload;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no {method} arrived within 10 s; got: {string.Join(", ", items.Select(i => i.Method))}");
    }
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
            while (socket.State == WebSocketState.Open)
            {
                try
                {
                    var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Text)
                    {
                        received.Add(name, JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count))!.AsObject());
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
    public static async Task WaitUntilClosed(this HubConnection hub, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (hub.State != HubConnectionState.Disconnected)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the hub connection was still {hub.State} after {within.TotalSeconds} s");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Polls until the server has closed the socket, for at most <paramref name="within"/>; answers how it closed.</summary>
    public static async Task<(WebSocketCloseStatus? Status, string? Reason)> WaitUntilClosed(this ClientWebSocket socket, TimeSpan within)
    {
        // The client socket leaves Open a moment before it records the close frame's status: wait for the status.
        var deadline = DateTime.UtcNow + within;
        while (socket.CloseStatus is null && socket.State != WebSocketState.Aborted)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the socket was still open after {within.TotalSeconds} s");
            }

            await Task.Delay(20);
        }

        return (socket.CloseStatus, socket.CloseStatusDescription);
    }
}
