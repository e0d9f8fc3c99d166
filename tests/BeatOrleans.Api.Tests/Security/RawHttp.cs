using System.Net.Sockets;
using System.Text;

namespace BeatOrleans.Api.Tests.Security;

/// <summary>Bytes on a socket, for requests an HttpClient will not make (a body announced and never sent).</summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> and answers what the server wrote until a final answer head, its close or its silence.</summary>
    public static async Task<string> Send(Uri server, string request, TimeSpan patience, byte[]? body = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }

        using var timeout = new CancellationTokenSource(patience);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
                if (HasFinalHead(Encoding.ASCII.GetString(received.ToArray())))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Silence: return what came, which the caller judges.
        }
        catch (IOException)
        {
            // A reset after the answer.
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    /// <summary>The text holds a complete answer head other than an interim "100 Continue".</summary>
    private static bool HasFinalHead(string text)
    {
        while (text.StartsWith("HTTP/1.1 100", StringComparison.Ordinal) && text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var end and >= 0)
        {
            text = text[(end + 4)..];
        }

        return text.Length > 0 && !text.StartsWith("HTTP/1.1 100", StringComparison.Ordinal) && text.Contains("\r\n\r\n", StringComparison.Ordinal);
    }
}
