using System.Collections;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace BeatOrleans.Hosting.Logging;

public static class RedactingLoggingExtensions
{
    /// <summary>
    /// Every logger of the process writes through <see cref="SecretRedaction"/>: messages, structured values, scopes
    /// and exception texts. It wraps the logger factory itself, so it covers every provider (the console, the
    /// dashboard's live log, anything added later) and every category, whatever the configured levels are.
    /// </summary>
    public static ILoggingBuilder AddSecretRedaction(this ILoggingBuilder logging)
    {
        logging.Services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(
            sp => new RedactingLoggerFactory(ActivatorUtilities.CreateInstance<LoggerFactory>(sp))));
        return logging;
    }
}

internal sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    // One wrapper per category, read without a lock: ASP.NET asks for a logger on every request (each authentication
    // handler is made per request), and LoggerFactory.CreateLogger takes a lock that those requests contended on.
    // LoggerFactory keeps one logger per category too, and updates it in place when a provider is added.
    private readonly ConcurrentDictionary<string, ILogger> loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) =>
        loggers.GetOrAdd(categoryName, static (name, factory) => new RedactingLogger(factory.CreateLogger(name)), inner);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();
}

internal sealed class RedactingLogger(ILogger inner) : ILogger
{
    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => state switch
    {
        // Every request opens scopes (the host's request id and path, Kestrel's connection) that are read only if an
        // entry is written inside them: their redaction waits until then.
        IReadOnlyList<KeyValuePair<string, object?>> values => inner.BeginScope(new RedactedScope(values)),
        _ => RedactedState.ForScope(state) is { } redacted ? inner.BeginScope(redacted) : inner.BeginScope(state),
    };

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        var redactedMessage = SecretRedaction.Redact(message);
        var redactedException = RedactedException.From(exception);
        var redactedValues = RedactedState.RedactValues(state);
        if (redactedValues is null && ReferenceEquals(message, redactedMessage) && ReferenceEquals(exception, redactedException))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }

        var values = redactedValues ?? state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        inner.Log(logLevel, eventId, new RedactedState(values, redactedMessage), redactedException, static (s, _) => s.Message);
    }
}

/// <summary>The structured values of a log entry or scope with their credentials masked; its text is the redacted message.</summary>
internal sealed class RedactedState(IReadOnlyList<KeyValuePair<string, object?>> values, string message) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public string Message { get; } = message;

    public int Count => values.Count;

    public KeyValuePair<string, object?> this[int index] => values[index];

    /// <summary>The values with credentials masked, or null when none held one.</summary>
    public static List<KeyValuePair<string, object?>>? RedactValues<TState>(TState state)
    {
        if (state is not IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            return null;
        }

        List<KeyValuePair<string, object?>>? copy = null;
        var index = 0;
        foreach (var (key, value) in pairs)
        {
            var text = value is string or Uri or PathString or QueryString ? value.ToString() : null;
            if (text is not null && key != "{OriginalFormat}" && !ReferenceEquals(SecretRedaction.Redact(text), text))
            {
                copy ??= [.. pairs];
                copy[index] = new(key, SecretRedaction.Redact(text));
            }

            index++;
        }

        return copy;
    }

    /// <summary>A redacted stand-in for a scope that held a credential; null when it held none.</summary>
    public static RedactedState? ForScope<TState>(TState state)
    {
        var text = state?.ToString() ?? "";
        var values = RedactValues(state);
        var redacted = SecretRedaction.Redact(text);
        return values is null && ReferenceEquals(text, redacted)
            ? null
            : new RedactedState(values ?? state as IReadOnlyList<KeyValuePair<string, object?>> ?? [], redacted);
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message;
}

/// <summary>A structured scope whose values and text are redacted when a provider first reads them.</summary>
internal sealed class RedactedScope(IReadOnlyList<KeyValuePair<string, object?>> state) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private IReadOnlyList<KeyValuePair<string, object?>>? values;
    private string? text;

    private IReadOnlyList<KeyValuePair<string, object?>> Values => values ??= RedactedState.RedactValues(state) ?? state;

    public int Count => state.Count;

    public KeyValuePair<string, object?> this[int index] => Values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => text ??= SecretRedaction.Redact(state.ToString() ?? "");
}

/// <summary>An exception whose text held a credential (a URL in a message): logged as its redacted text.</summary>
internal sealed class RedactedException(string text) : Exception(text)
{
    public static Exception? From(Exception? exception)
    {
        if (exception is null)
        {
            return null;
        }

        var text = exception.ToString();
        var redacted = SecretRedaction.Redact(text);
        return ReferenceEquals(text, redacted) ? exception : new RedactedException(redacted);
    }

    public override string ToString() => Message;
}
