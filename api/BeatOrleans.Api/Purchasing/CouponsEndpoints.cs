using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Security;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Purchasing;

namespace BeatOrleans.Api.Purchasing;

/// <summary>A producer's coupon codes; buyers use them with <c>coupon</c> in <c>POST /api/purchases</c>.</summary>
internal static class CouponsEndpoints
{
    public const int MaxBeats = 100;

    public static IEndpointRouteBuilder MapCouponsEndpoints(this IEndpointRouteBuilder app)
    {
        var coupons = app.MapGroup("/api/coupons").WithTags("Coupons").NoStore();
        coupons.MapPost("/", Create).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("CreateCoupon").WithSummary("Create a coupon code for your beats: a percentage or an amount off, optional beats, tiers, expiry and maximum uses.");
        coupons.MapGet("/", List).WithName("ListCoupons")
            .WithSummary("Your coupons, newest first, with their uses, a page at a time.");
        coupons.MapGet("/{code}", Get).ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetCoupon").WithSummary("One of your coupons, with its uses.");
        coupons.MapDelete("/{code}", Delete).ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("DeleteCoupon").WithSummary("End a coupon: no new purchase may use it.");
        return app;
    }

    private static async Task<Results<Created<CouponResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateCouponRequest request, HttpContext http, IGrainFactory grains, TimeProvider clock)
    {
        var caller = http.User.UserId();
        var errors = new FieldErrors();
        if (!CouponCodes.IsValid(request.Code))
        {
            errors.Add("code", $"code is 3 to {CouponCodes.MaxLength} of A-Z, 0-9, '-' and '_' (letter case is ignored).");
        }

        var currency = (request.Currency ?? LicenseTypes.DefaultCurrency).Trim().ToUpperInvariant();
        switch (request.PercentOff, request.AmountOff)
        {
            case (null, null) or (not null, not null):
                errors.Add("percent_off", "Give percent_off or amount_off, one of them.");
                break;
            case ({ } percent, null) when percent is < 1 or > 99:
                errors.Add("percent_off", "percent_off is a whole number from 1 to 99.");
                break;
            case ({ }, null) when request.Currency is not null:
                // A share of the price has no currency: one given would be dropped without a word.
                errors.Add("currency", "currency goes with amount_off only; a percent_off coupon has none.");
                break;
            case (null, { } amount) when currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper):
                errors.Add("currency", "currency is a three-letter ISO 4217 code (e.g. USD).");
                break;
            case (null, { } amount) when currency != LicenseTypes.DefaultCurrency:
                // Every licence is priced in it, so a coupon in another currency could never be used.
                errors.Add("currency", $"Licences are priced in {LicenseTypes.DefaultCurrency}; amount_off is too.");
                break;
            case (null, { } amount) when amount <= 0 || amount > OffersEndpoints.MaxAmount || Money.ToMajor(Money.ToMinor(amount, currency), currency) != amount:
                errors.Add("amount_off", $"amount_off is a positive amount in {currency} up to {OffersEndpoints.MaxAmount}, in whole cents.");
                break;
        }

        var beatIds = request.BeatIds?.Distinct().ToList() ?? [];
        if (beatIds.Count > MaxBeats || beatIds.Any(id => id is null || !EntityIds.IsValid(id)))
        {
            errors.Add("beat_ids", $"beat_ids lists up to {MaxBeats} beat ids.");
        }

        var tiers = request.LicenseTypes?.Distinct().ToList() ?? [];
        if (tiers.Any(t => t is null || !LicenseTypes.All.Contains(t)))
        {
            errors.Add("license_types", $"license_types are among {string.Join(", ", LicenseTypes.All)}.");
        }

        if (request.ExpiresAt is { } expires && expires <= clock.GetUtcNow())
        {
            errors.Add("expires_at", "expires_at is in the future.");
        }

        if (request.MaxUses is < 1 or > 1_000_000)
        {
            errors.Add("max_uses", "max_uses is between 1 and 1000000.");
        }

        if (!errors.Any && beatIds.Count > 0)
        {
            // A coupon is for the caller's own beats only.
            var beats = await Task.WhenAll(beatIds.Select(id => grains.GetGrain<IBeatGrain>(id).GetBeat()));
            if (beats.Any(b => b is null || b.ProducerId != caller))
            {
                errors.Add("beat_ids", "Every beat of a coupon is one of yours.");
            }
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        var coupon = new Coupon(CouponCodes.Normalize(request.Code!), request.PercentOff,
            request.AmountOff is { } off ? Money.ToMinor(off, currency) : null, request.AmountOff is null ? null : currency,
            beatIds, tiers, request.ExpiresAt?.ToUniversalTime(), request.MaxUses, clock.GetUtcNow());
        var book = grains.GetGrain<ICouponBookGrain>(caller);
        switch (await book.Create(coupon))
        {
            case CreateCouponOutcome.CodeTaken:
                return Refusals.Conflict("Code taken.", $"You already have a coupon {coupon.Code}.");
            case CreateCouponOutcome.TooMany:
                return Refusals.Conflict("Too many coupons.", $"You have {CouponCodes.MaxPerProducer} coupons; delete one first.");
        }

        return TypedResults.Created($"/api/coupons/{coupon.Code}", CouponResponse.From((await book.Find(coupon.Code))!));
    }

    private static async Task<Results<Ok<CouponsResponse>, ValidationProblem>> List(
        int? limit, string? cursor, HttpContext http, IGrainFactory grains)
    {
        if (TimeKeyCursor.Check(limit, cursor, CouponCodes.IsValid, out var after) is { } invalid)
        {
            return invalid;
        }

        // Newest first, as the book lists them; a producer may have up to CouponCodes.MaxPerProducer.
        var (coupons, next) = TimeKeyCursor.Page(await grains.GetGrain<ICouponBookGrain>(http.User.UserId()).List(),
            c => c.Coupon.CreatedAt, c => c.Coupon.Code, limit ?? Paging.DefaultLimit, after);
        return TypedResults.Ok(new CouponsResponse([.. coupons.Select(CouponResponse.From)], next));
    }

    private static async Task<Results<Ok<CouponResponse>, ProblemHttpResult>> Get(string code, HttpContext http, IGrainFactory grains)
    {
        var coupon = CouponCodes.IsValid(code) ? await grains.GetGrain<ICouponBookGrain>(http.User.UserId()).Find(code) : null;
        return coupon is null ? NotFound() : TypedResults.Ok(CouponResponse.From(coupon));
    }

    private static async Task<Results<Ok<CouponDeletedResponse>, ProblemHttpResult>> Delete(string code, HttpContext http, IGrainFactory grains) =>
        CouponCodes.IsValid(code) && await grains.GetGrain<ICouponBookGrain>(http.User.UserId()).Delete(code)
            ? TypedResults.Ok(new CouponDeletedResponse(CouponCodes.Normalize(code), true))
            : NotFound();

    private static ProblemHttpResult NotFound() => Refusals.NotFound("You have no coupon with this code.");
}
