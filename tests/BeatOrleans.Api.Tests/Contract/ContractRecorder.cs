using System.Collections.Concurrent;

namespace BeatOrleans.Api.Tests.Contract;

/// <summary>Every answer the clients of one host saw, with what the contract check said of it.</summary>
public sealed class ContractLog
{
    private readonly ConcurrentQueue<ObservedAnswer> answers = new();

    public IReadOnlyCollection<ObservedAnswer> Answers => answers;

    public IReadOnlyList<string> Violations => [.. answers.Select(a => a.Violation).OfType<string>().Distinct()];

    public void Add(ObservedAnswer answer) => answers.Enqueue(answer);
}

/// <summary>
/// Sits in every test client of <see cref="MarketplaceHost"/>: each answer from the host to a path of the OpenAPI
/// document is checked against it (status declared, required headers present, JSON body valid for that status) and
/// kept; an answer that is not what the document says fails the request, so every API test checks the
/// contract of what it touches.
/// </summary>
public sealed class ContractRecorder(Func<Uri> host, ContractLog log) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var uri = request.RequestUri!;
        if (uri.IsAbsoluteUri && uri.Authority != host().Authority)
        {
            return response; // e.g. a redirect to S3
        }

        var path = uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
        var contract = OpenApiContract.Load();
        var method = request.Method.Method;
        if (contract.Match(method, path) is not { } template)
        {
            return response;
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        string? body = null;
        if (mediaType is "application/json" or "application/problem+json" && method != "HEAD")
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }

        string? violation;
        try
        {
            var headers = response.Headers.Concat(response.Content.Headers).Select(h => h.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
            violation = contract.Check(method, template, (int)response.StatusCode, body is null ? null : mediaType, body, headers);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            violation = $"the check itself failed: {e.Message}";
        }

        var answer = new ObservedAnswer(method, template, (int)response.StatusCode, mediaType,
            violation is null ? null : $"{method} {path} -> {(int)response.StatusCode}: {violation}");
        log.Add(answer);
        if (answer.Violation is { } wrong)
        {
            response.Dispose();
            throw new ContractViolationException($"{wrong}\nThe answer is not what {OpenApiContract.DocumentPath} declares: fix the API or its "
                + "OpenAPI description (api/BeatOrleans.Api/OpenApi), then refresh the document (README, The contracts).");
        }

        return response;
    }
}

/// <summary>An answer of the API that its OpenAPI document does not declare.</summary>
public sealed class ContractViolationException(string message) : Exception(message);
