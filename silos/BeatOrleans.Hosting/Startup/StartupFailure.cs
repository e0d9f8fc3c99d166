using System.Reflection;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace BeatOrleans.Hosting.Startup;

/// <summary>A setting that stops a process at start; the message names the setting and what it must be.</summary>
public sealed class StartupSettingException(string message) : InvalidOperationException(message);

/// <summary>
/// Ends a process whose start is refused (a setting missing or invalid, Redis or PostgreSQL not answering) with one
/// line on standard error that says why, and exit code 1. Left unhandled, the exception makes .NET abort (exit code
/// 134, SIGABRT) and print its whole stack trace a second time after the host's own log entry, with advice from the
/// Redis client (<c>abortConnect=false</c>) that is wrong for us. Any other failure stays unhandled, as before.
/// </summary>
public static class StartupFailure
{
    public const int ExitCode = 1;

    /// <summary>
    /// Builds and runs the host. Only a process started as this program reports and exits; inside a test host
    /// (WebApplicationFactory runs the entry point in the test process) the exception reaches the test as before.
    /// </summary>
    public static int Run(string process, Action buildAndRun)
    {
        ArgumentNullException.ThrowIfNull(buildAndRun);
        var program = buildAndRun.Method.Module.Assembly;
        try
        {
            buildAndRun();
            return 0;
        }
        catch (Exception e) when (Assembly.GetEntryAssembly() == program && Explain(e) is { } reason)
        {
            Console.Error.WriteLine($"{process} did not start: {reason}");
            return ExitCode;
        }
    }

    /// <summary>What an operator should read for a refused start; null for a failure this does not explain.</summary>
    public static string? Explain(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: 1 } one => Explain(one.InnerExceptions[0]),
        OptionsValidationException invalid => string.Join(" ", invalid.Failures),
        StartupSettingException setting => setting.Message,
        RedisConnectionException redis =>
            $"Redis (ConnectionStrings:Redis) did not answer: {FirstSentences(redis.Message)} "
            + "Check the setting and that Redis is running, then start again.",
        PostgresException { SqlState: "28P01" or "28000" or "3D000" } postgres =>
            $"PostgreSQL (ConnectionStrings:Postgres) refused the connection: {postgres.MessageText}.",
        NpgsqlException { SqlState: null } =>
            $"PostgreSQL (ConnectionStrings:Postgres) did not answer: {Sentence(exception.Message)} "
            + "Check the setting and that PostgreSQL is running, then start again.",
        _ => null,
    };

    private static string Sentence(string text) => text.TrimEnd().EndsWith('.') ? text.TrimEnd() : text.TrimEnd() + ".";

    // StackExchange.Redis ends its message with advice to set abortConnect=false, which would only defer the failure.
    private static string FirstSentences(string message)
    {
        var advice = message.IndexOf(" To allow this multiplexer", StringComparison.Ordinal);
        return advice > 0 ? message[..advice] : message;
    }
}
