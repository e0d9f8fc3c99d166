using System.Globalization;
using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Security;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Purchasing;

namespace BeatOrleans.Api.Purchasing;

/// <summary>Offers in chat: a buyer proposes a price for one tier, the producer accepts, declines or counters.</summary>
internal static class OffersEndpoints
{
    public const int MaxMessageLength = 1000;
    public const decimal MaxAmount = 1_000_000m;

    public static IEndpointRouteBuilder MapOffersEndpoints(this IEndpointRouteBuilder app)
    {
        var offers = app.MapGroup("/api/offers").WithTags("Offers").NoStore();
        offers.MapPost("/", Make)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("MakeOffer").WithSummary("Offer a price for one licence tier of a beat; posted in the chat with its producer.");
        offers.MapGet("/{offer_id}", Get).ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetOffer").WithSummary("One offer, for its buyer or the beat's producer.");
        offers.MapPost("/{offer_id}/accept", (string offer_id, HttpContext http, IGrainFactory grains) =>
                Answer(offer_id, http, grains, (offer, caller) => offer.Accept(caller)))
            .WithAnswers().WithName("AcceptOffer").WithSummary("The other party accepts: the buyer's next purchase of that tier is priced by the offer (an exclusive is held for them).");
        offers.MapPost("/{offer_id}/decline", (string offer_id, HttpContext http, IGrainFactory grains) =>
                Answer(offer_id, http, grains, (offer, caller) => offer.Decline(caller)))
            .WithAnswers().WithName("DeclineOffer").WithSummary("The other party declines the offer.");
        offers.MapPost("/{offer_id}/withdraw", (string offer_id, HttpContext http, IGrainFactory grains) =>
                Answer(offer_id, http, grains, (offer, caller) => offer.Withdraw(caller)))
            .WithAnswers().WithName("WithdrawOffer").WithSummary("The party who made an open offer takes it back.");
        offers.MapPost("/{offer_id}/counter", Counter)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("CounterOffer").WithSummary("The other party answers with another price: a new offer the first party answers.");
        return app;
    }

    private static RouteHandlerBuilder WithAnswers(this RouteHandlerBuilder route) => route
        .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<Results<Created<OfferResponse>, ValidationProblem, ProblemHttpResult>> Make(
        MakeOfferRequest request, HttpContext http, IGrainFactory grains, MessageThrottle throttle)
    {
        if (Throttled(http, throttle) is { } tooMany)
        {
            return tooMany;
        }

        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.BeatId))
        {
            errors.Add("beat_id", "beat_id is required.");
        }

        if (request.LicenseType is null || !LicenseTypes.All.Contains(request.LicenseType))
        {
            errors.Add("license_type", $"license_type is one of {string.Join(", ", LicenseTypes.All)}.");
        }

        var currency = CheckMoney(request.Amount, request.Currency, request.Message, errors);
        if (errors.Any)
        {
            return errors.Problem();
        }

        if (!EntityIds.IsValid(request.BeatId!))
        {
            return PurchasingEndpoints.NoSuchBeat();
        }

        var offerId = PurchaseIds.New();
        var result = await grains.GetGrain<IOfferGrain>(offerId).Make(new OfferDraft(http.User.UserId(), request.BeatId!, request.LicenseType!,
            Money.ToMinor(request.Amount!.Value, currency), currency, Message(request.Message)));
        return result.Outcome switch
        {
            OfferOutcome.Done => TypedResults.Created($"/api/offers/{offerId}", OfferResponse.From(result.Offer!)),
            OfferOutcome.NotFound => PurchasingEndpoints.NoSuchBeat(),
            OfferOutcome.Invalid => Refusals.Problem(StatusCodes.Status400BadRequest, "The offer cannot be made.", result.Detail),
            _ => Refusals.Conflict("The beat takes no offers now.", result.Detail),
        };
    }

    private static async Task<Results<Ok<OfferResponse>, ProblemHttpResult>> Get(string offer_id, HttpContext http, IGrainFactory grains)
    {
        var offer = EntityIds.IsValid(offer_id) ? await grains.GetGrain<IOfferGrain>(offer_id).GetOffer(http.User.UserId()) : null;
        return offer is null ? NoSuchOffer() : TypedResults.Ok(OfferResponse.From(offer));
    }

    private static async Task<Results<Ok<OfferResponse>, ProblemHttpResult>> Answer(
        string offerId, HttpContext http, IGrainFactory grains, Func<IOfferGrain, string, Task<OfferResult>> step)
    {
        if (!EntityIds.IsValid(offerId))
        {
            return NoSuchOffer();
        }

        var result = await step(grains.GetGrain<IOfferGrain>(offerId), http.User.UserId());
        return result.Outcome == OfferOutcome.Done ? TypedResults.Ok(OfferResponse.From(result.Offer!)) : Refusal(result);
    }

    private static async Task<Results<Created<OfferResponse>, ValidationProblem, ProblemHttpResult>> Counter(
        string offer_id, CounterOfferRequest request, HttpContext http, IGrainFactory grains, MessageThrottle throttle)
    {
        if (Throttled(http, throttle) is { } tooMany)
        {
            return tooMany;
        }

        var caller = http.User.UserId();
        var offer = EntityIds.IsValid(offer_id) ? await grains.GetGrain<IOfferGrain>(offer_id).GetOffer(caller) : null;
        if (offer is null)
        {
            return NoSuchOffer();
        }

        var errors = new FieldErrors();
        CheckMoney(request.Amount, offer.Currency, request.Message, errors);
        if (errors.Any)
        {
            return errors.Problem();
        }

        var result = await grains.GetGrain<IOfferGrain>(offer_id).Counter(caller, Money.ToMinor(request.Amount!.Value, offer.Currency), Message(request.Message));
        return result.Outcome == OfferOutcome.Done
            ? TypedResults.Created($"/api/offers/{result.Counter!.OfferId}", OfferResponse.From(result.Counter))
            : Refusal(result);
    }

    /// <summary>
    /// An offer and a counter-offer each post a message in the chat with the other party, so they draw on the
    /// caller's chat budget (<see cref="MessageThrottle"/>): offers are no way around the message rate limit.
    /// </summary>
    private static ProblemHttpResult? Throttled(HttpContext http, MessageThrottle throttle)
    {
        if (throttle.TryTake(http.User.UserId()) is not { } wait)
        {
            return null;
        }

        return Refusals.TooManyRequests(http.Response, wait,
            "Too many messages.", "An offer is posted in the chat: wait before making more.");
    }

    /// <summary>Checks amount, currency and message; answers the currency (USD unless given).</summary>
    private static string CheckMoney(decimal? amount, string? currency, string? message, FieldErrors errors)
    {
        var code = (currency ?? LicenseTypes.DefaultCurrency).Trim().ToUpperInvariant();
        if (code.Length != 3 || !code.All(char.IsAsciiLetterUpper))
        {
            errors.Add("currency", "currency is a three-letter ISO 4217 code (e.g. USD).");
            return LicenseTypes.DefaultCurrency;
        }

        if (amount is not { } value || value < Money.MinimumCharge || value > MaxAmount
            || Money.ToMajor(Money.ToMinor(value, code), code) != value)
        {
            errors.Add("amount", $"amount is a price in {code} from {Money.Format(Money.MinimumCharge, code)} to {Money.Format(MaxAmount, code)}, "
                + "in whole cents (or whole units for zero-decimal currencies): a smaller payment cannot be taken.");
        }

        if (message is { Length: > MaxMessageLength })
        {
            errors.Add("message", $"message is at most {MaxMessageLength} characters.");
        }
        else if (!PlainText.IsPlain(message, multiline: true))
        {
            errors.Add("message", $"message {PlainText.Rule}.");
        }

        return code;
    }

    /// <summary>An offer's note; one that shows nothing (white space, zero-width characters) is no note.</summary>
    private static string? Message(string? message) =>
        string.IsNullOrWhiteSpace(message) || !PlainText.IsVisible(message) ? null : message.Trim();

    private static ProblemHttpResult Refusal(OfferResult result) => result.Outcome switch
    {
        OfferOutcome.NotFound => NoSuchOffer(),
        OfferOutcome.Forbidden => Refusals.Forbidden(result.Detail!),
        OfferOutcome.Invalid => Refusals.Conflict("The offer cannot be made.", result.Detail),
        _ when result.Offer is { } o => Refusals.Conflict("The offer cannot be answered.", result.Detail,
            "offer_status", OfferNames.StatusName(o.Status)),
        _ => Refusals.Conflict("The offer cannot be answered.", result.Detail),
    };

    internal static ProblemHttpResult NoSuchOffer() => Refusals.NotFound("No such offer.");
}
