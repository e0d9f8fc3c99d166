using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace BeatOrleans.Api.Problems;

/// <summary>
/// What a malformed request did wrong, said in the contract's terms. The framework's own messages name .NET types
/// ("Failed to bind parameter \"Nullable&lt;decimal&gt; price_max\"", "could not be converted to
/// BeatOrleans.Api.Users.SignupRequest"): they tell a client nothing it can act on and tell an attacker the stack.
/// </summary>
internal static partial class RequestErrors
{
    public const string InvalidUnicode = "A string in the body is not valid Unicode (an unpaired UTF-16 surrogate such as \\ud800).";

    /// <summary>System.Text.Json's refusal of text that is not well-formed UTF-16 or UTF-8 (it is no JSON error there).</summary>
    public static bool IsInvalidUnicode(InvalidOperationException exception) =>
        (exception.Source == "System.Text.Json" || exception.TargetSite?.DeclaringType?.Namespace == "System.Text.Json")
        && (exception.Message.Contains("UTF-16", StringComparison.Ordinal) || exception.Message.Contains("UTF-8", StringComparison.Ordinal)
            || exception.Message.Contains("surrogate", StringComparison.Ordinal));

    public static string DescribeJson(JsonException json)
    {
        if (json.InnerException is InvalidOperationException text && IsInvalidUnicode(text))
        {
            return InvalidUnicode;
        }

        var where = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "the body" : $"'{json.Path}'";
        var kind = json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)
            ? $"The value at {where} has the wrong type or format for this field."
            : $"The JSON at {where} is malformed or incomplete.";
        return json.LineNumber is { } line && json.BytePositionInLine is { } position
            ? $"{kind} (line {line + 1}, byte {position + 1})"
            : kind;
    }

    /// <summary>
    /// A body System.Text.Json could not read because a field of it held a value of the wrong type: a 400 naming the
    /// field in <c>errors</c> by its wire name (as the endpoints' own checks name fields), so a client can show it by
    /// the field. Null for JSON that is malformed as a whole, which has no field to name.
    /// </summary>
    public static ProblemDetails? WrongTypeField(JsonException json)
    {
        var field = json.Path is { } path ? TopLevelField().Match(path) : null;
        if (field is not { Success: true }
            || !json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            return null;
        }

        var detail = DescribeJson(json);
        var problem = Invalid(field.Groups["name"].Value, detail);
        problem.Detail = detail;
        return problem;
    }

    [GeneratedRegex(@"^\$\.(?<name>[a-z0-9_]{1,64})(?:$|[.\[])")]
    private static partial Regex TopLevelField();

    /// <summary>A 400 with the parameter named in <c>errors</c>, for a query or route value the endpoint could not read.</summary>
    public static ProblemDetails? DescribeBinding(string message)
    {
        var failed = FailedToBind().Match(message);
        if (failed.Success)
        {
            var name = failed.Groups["name"].Value;
            return Invalid(name, $"'{Truncate(failed.Groups["value"].Value)}' is not {Expected(failed.Groups["type"].Value)}.");
        }

        var missing = Required().Match(message);
        return missing.Success ? Invalid(missing.Groups["name"].Value, $"'{missing.Groups["name"].Value}' is required.") : null;
    }

    /// <summary>An endpoint that takes a JSON body got none, or the JSON literal <c>null</c>.</summary>
    public static bool IsMissingBody(string message) =>
        message.StartsWith("Implicit body inferred for parameter", StringComparison.Ordinal)
        || message.StartsWith("Required parameter", StringComparison.Ordinal)
            && message.Contains("from the request body", StringComparison.Ordinal);

    /// <summary>ASP.NET Core could not read a JSON body in the charset its Content-Type names.</summary>
    public static bool IsUnknownCharset(InvalidOperationException exception) =>
        exception.Message.Contains("request content type charset", StringComparison.Ordinal);

    /// <summary>Other framework refusals, without the type names some of them carry.</summary>
    public static string Describe(BadHttpRequestException exception) =>
        exception.Message.Contains('<', StringComparison.Ordinal) || exception.Message.Contains("System.", StringComparison.Ordinal)
            ? "The request does not match what this endpoint accepts."
            : exception.Message;

    private static HttpValidationProblemDetails Invalid(string name, string error) =>
        new(new Dictionary<string, string[]> { [name] = [error] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more validation errors occurred.",
        };

    private static string Expected(string type) => type.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('>') switch
    {
        "int" or "long" or "short" or "Int32" or "Int64" => "a whole number",
        "decimal" or "double" or "float" or "Decimal" or "Double" => "a number",
        "bool" or "Boolean" => "true or false",
        "Guid" => "an id",
        "DateTimeOffset" or "DateTime" => "a date-time (ISO 8601)",
        _ => "a valid value",
    };

    private static string Truncate(string value) => value.Length <= 64 ? value : $"{value[..64]}...";

    [GeneratedRegex("""^Failed to bind parameter "(?<type>\S+) (?<name>[^"]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex FailedToBind();

    [GeneratedRegex("""^Required parameter "\S+ (?<name>[^"]+)" was not provided""")]
    private static partial Regex Required();
}
