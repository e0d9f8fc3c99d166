using Microsoft.Extensions.Options;

namespace BeatOrleans.Purchasing.Payments.Stripe;

/// <summary>Fails the host at start (with <c>ValidateOnStart</c>) when the Stripe settings cannot work.</summary>
public sealed class StripeOptionsValidator : IValidateOptions<StripeOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
