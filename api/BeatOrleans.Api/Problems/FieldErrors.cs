namespace BeatOrleans.Api.Problems;

/// <summary>
/// What is wrong with a request, field by field (the <c>errors</c> member of a 400): one message per field, named as
/// the contract spells it. A later message for a field replaces an earlier one, so the most specific check, run last,
/// is the one a client reads.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string[]> errors = [];

    public bool Any => errors.Count > 0;

    public FieldErrors Add(string field, string error)
    {
        errors[field] = [error];
        return this;
    }

    public bool Has(string field) => errors.ContainsKey(field);

    public ValidationProblem Problem() => TypedResults.ValidationProblem(errors);
}
