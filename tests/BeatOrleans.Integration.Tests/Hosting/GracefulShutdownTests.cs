using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;

namespace BeatOrleans.Integration.Tests.Hosting;

/// <summary>SIGTERM, as Kubernetes and container runtimes send it, stops an API node without failing a request.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task On_sigterm_readiness_turns_503_at_once_and_an_upload_in_flight_still_completes()
    {
        using var api = ApiProcess.Start("--Shutdown:DrainDelay=00:00:02", "--Shutdown:Timeout=00:00:30", "--Media:FFmpegFolder=/nonexistent");
        using var http = new HttpClient { BaseAddress = api.BaseAddress };
        await api.WaitUntilReady(http);
        var token = (await http.LogIn(await http.SignUp())).Token;
        var wav = await File.ReadAllBytesAsync(await Audio.Tone(220, 3, "wav"));

        // An upload whose body arrives slowly: half now, the rest after the drain delay is over.
        var body = new Pipe();
        using var form = new MultipartFormDataContent { { new StringContent("Slow upload"), "title" } };
        var file = new StreamContent(body.Reader.AsStream());
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "file", "slow.wav");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/beats/upload") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var upload = http.SendAsync(request);
        await body.Writer.WriteAsync(wav.AsMemory(0, wav.Length / 2));
        await Task.Delay(500); // lets the request reach the endpoint before the signal; the test does not depend on it

        var stopping = Stopwatch.StartNew();
        api.Terminate();

        using var probe = new HttpClient { BaseAddress = api.BaseAddress };
        // The signal is handled asynchronously: poll, well within the 2 s drain delay.
        var readiness = await probe.GetAsync("/health/ready");
        while (readiness.StatusCode == HttpStatusCode.OK && stopping.Elapsed < TimeSpan.FromSeconds(1.5))
        {
            await Task.Delay(50);
            readiness = await probe.GetAsync("/health/ready");
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/live")).StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(3)); // past the drain delay: the node now waits for this request alone
        Assert.False(api.Process.HasExited, "the node stopped with a request in flight");
        await body.Writer.WriteAsync(wav.AsMemory(wav.Length / 2));
        await body.Writer.CompleteAsync();

        var answer = await upload;
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        await api.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, api.Process.ExitCode);
        Assert.Contains("Drained in", api.Log, StringComparison.Ordinal);
    }
}
