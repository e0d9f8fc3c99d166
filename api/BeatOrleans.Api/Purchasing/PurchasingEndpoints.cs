using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Security;
using BeatOrleans.Contracts.Catalog;
using BeatOrleans.Contracts.Purchasing;
using Microsoft.AspNetCore.Mvc;

namespace BeatOrleans.Api.Purchasing;

public static class PurchasingEndpoints
{
    public static IEndpointRouteBuilder MapPurchasingEndpoints(this IEndpointRouteBuilder app)
    {
        var purchases = app.MapGroup("/api/purchases").WithTags("Purchasing").NoStore();
        purchases.MapPost("/", Create).RequireRateLimiting(RateLimits.Orders)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithName("CreatePurchase").WithSummary("Buy a licence of a beat: holds an exclusive and creates the payment (Idempotency-Key honoured).");
        purchases.MapPost("/{purchase_id}/confirm", Confirm)
            .Produces<PurchaseResponse>(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("ConfirmPurchase")
            .WithSummary("Pay with a payment method (test: pm_card_visa, pm_card_chargeDeclined).")
            .WithDescription("200: completed. 402 with the purchase `failed`: the card was declined "
                + "(pm_card_chargeDeclined). 402 with the purchase still `pending_payment`: the card asks for "
                + "authentication (pm_card_authenticationRequired); complete it with Stripe.js and the client_secret, "
                + "or confirm again with another payment method. 202: the provider did not answer; it settles on its "
                + "own. 409: expired, or sold meanwhile.");
        purchases.MapGet("/{purchase_id}", Get).ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetPurchase").WithSummary("One purchase, for its buyer or the beat's producer.");
        purchases.MapGet("/", List)
            .WithName("ListPurchases").WithSummary("The caller's purchases, newest first.");
        purchases.MapGet("/{purchase_id}/download", Downloads.Grant)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("DownloadPurchase").WithSummary("Short-lived URLs to the files the licence delivers (buyer of a completed purchase).");
        purchases.MapMethods("/{purchase_id}/files/{file}", ["GET", "HEAD"], Downloads.Serve).AllowAnonymous()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("DownloadFile").WithSummary("A licensed file's bytes, for a signed download URL.");
        purchases.MapGet("/{purchase_id}/license.pdf", Agreement)
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("GetLicenseAgreement").WithSummary("The licence agreement of a completed purchase as a PDF (buyer or producer).");

        var sales = app.MapGroup("/api/sales").WithTags("Purchasing");
        sales.MapGet("/", Sales)
            .WithName("ListSales").WithSummary("The caller's sales as a producer, newest first, with totals per currency.");

        app.MapLicensesEndpoints();
        app.MapOffersEndpoints();
        app.MapCouponsEndpoints();
        app.MapStripeWebhook();
        return app;
    }

    private static async Task<Results<Created<PurchaseResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreatePurchaseRequest request, HttpContext http, IGrainFactory grains, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey)
    {
        var caller = http.User.UserId();
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.BeatId))
        {
            errors.Add("beat_id", "beat_id is required.");
        }

        if (request.LicenseType is null || !LicenseTypes.All.Contains(request.LicenseType))
        {
            errors.Add("license_type", $"license_type is one of {string.Join(", ", LicenseTypes.All)}.");
        }

        if (request.OfferId is not null && request.Coupon is not null)
        {
            errors.Add("coupon", "A purchase priced by an offer takes no coupon: give offer_id or coupon, not both.");
        }
        else if (request.Coupon is not null && !CouponCodes.IsValid(request.Coupon))
        {
            errors.Add("coupon", $"coupon is a code of 3 to {CouponCodes.MaxLength} of A-Z, 0-9, '-' and '_'.");
        }

        if (idempotencyKey is not null && !IdempotencyKeys.IsValid(idempotencyKey))
        {
            errors.Add(IdempotencyKeys.Header, IdempotencyKeys.Rule);
        }

        if (errors.Any)
        {
            return errors.Problem();
        }

        if (!EntityIds.IsValid(request.BeatId!))
        {
            return NoSuchBeat();
        }

        if (request.OfferId is not null && !EntityIds.IsValid(request.OfferId))
        {
            return OffersEndpoints.NoSuchOffer();
        }

        var purchaseId = idempotencyKey is null ? PurchaseIds.New() : PurchaseIds.ForKey(caller, idempotencyKey);
        var result = await grains.GetGrain<IPurchaseGrain>(purchaseId).Place(
            new PurchaseOrder(caller, request.BeatId!, request.LicenseType!, PurchaseIds.RequestHash(request.BeatId!, request.LicenseType!, request.OfferId, request.Coupon),
                request.OfferId, request.Coupon is null ? null : CouponCodes.Normalize(request.Coupon),
                Keyed: idempotencyKey is not null));
        return result.Outcome switch
        {
            OrderOutcome.Created => TypedResults.Created($"/api/purchases/{purchaseId}", PurchaseResponse.From(result.Purchase!, caller, PurchaseResponse.StripePublishableKey(http))),
            OrderOutcome.BeatNotFound => NoSuchBeat(),
            OrderOutcome.OwnBeat => Refusals.Problem(StatusCodes.Status400BadRequest, "You cannot buy your own beat.", result.Detail),
            OrderOutcome.NoSuchLicense => Refusals.Invalid("license_type", result.Detail!),
            OrderOutcome.KeyReused => Refusals.Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused.", result.Detail),
            OrderOutcome.GatewayUnavailable => Refusals.Problem(StatusCodes.Status503ServiceUnavailable, "Payments are unavailable.", result.Detail),
            OrderOutcome.PaymentRefused => Refusals.Conflict("The payment could not be created.", result.Detail),
            OrderOutcome.OfferNotFound => OffersEndpoints.NoSuchOffer(),
            OrderOutcome.OfferUnavailable => Refusals.Conflict("The offer cannot price this purchase.", result.Detail),
            OrderOutcome.CouponNotFound => Refusals.Invalid("coupon", result.Detail!),
            OrderOutcome.CouponUnavailable => Refusals.Conflict("The coupon cannot be used for this purchase.", result.Detail),
            OrderOutcome.TooManyHolds =>
                Refusals.Conflict("Too many unpaid purchases hold an exclusive or a coupon.", result.Detail),
            _ => Refusals.Conflict("The licence cannot be bought now.", result.Detail),
        };
    }

    private static async Task<Results<Ok<PurchaseResponse>, JsonHttpResult<PurchaseResponse>, Accepted<PurchaseResponse>, ValidationProblem, ProblemHttpResult>> Confirm(
        string purchase_id, ConfirmPurchaseRequest request, HttpContext http, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(request.PaymentMethod) || request.PaymentMethod.Length > 255)
        {
            return Refusals.Invalid("payment_method", "payment_method is required (e.g. pm_card_visa).");
        }

        if (!EntityIds.IsValid(purchase_id))
        {
            return NotFound();
        }

        var caller = http.User.UserId();
        var result = await grains.GetGrain<IPurchaseGrain>(purchase_id).Confirm(caller, request.PaymentMethod.Trim());
        // Every outcome but NotFound comes with the purchase as it stands.
        var body = result.Purchase is { } p ? PurchaseResponse.From(p, caller, PurchaseResponse.StripePublishableKey(http)) : null;
        return result.Outcome switch
        {
            ConfirmOutcome.Completed => TypedResults.Ok(body!),
            // The contract's decline answer is the purchase itself, status "failed", with the reason.
            ConfirmOutcome.Declined or ConfirmOutcome.ActionRequired => TypedResults.Json(body!, statusCode: StatusCodes.Status402PaymentRequired),
            ConfirmOutcome.Pending => TypedResults.Accepted($"/api/purchases/{purchase_id}", body!),
            ConfirmOutcome.InvalidPaymentMethod => Refusals.Invalid("payment_method", result.Detail!),
            ConfirmOutcome.Closed => Refusals.Conflict($"The purchase is {body!.Status}.", result.Detail,
                "purchase_status", body.Status),
            _ => NotFound(),
        };
    }

    private static async Task<Results<Ok<PurchaseResponse>, ProblemHttpResult>> Get(string purchase_id, HttpContext http, IGrainFactory grains)
    {
        var caller = http.User.UserId();
        var purchase = await Find(grains, purchase_id);
        return purchase is not null && (purchase.BuyerId == caller || purchase.ProducerId == caller)
            ? TypedResults.Ok(PurchaseResponse.From(purchase, caller, PurchaseResponse.StripePublishableKey(http)))
            : NotFound();
    }

    private static async Task<Results<Ok<PurchasesPageResponse>, ValidationProblem>> List(HttpContext http, IGrainFactory grains, int? limit, string? cursor)
    {
        var errors = new FieldErrors();
        Paging.CheckLimit(limit, errors);
        if (errors.Any)
        {
            return errors.Problem();
        }

        var caller = http.User.UserId();
        var page = await grains.GetGrain<IPurchaseLedgerGrain>(caller).Purchases(limit ?? Paging.DefaultLimit, cursor);
        if (page is null)
        {
            return BadCursor();
        }

        var purchases = await Task.WhenAll(page.Items.Select(id => grains.GetGrain<IPurchaseGrain>(id).GetPurchase()));
        return TypedResults.Ok(new PurchasesPageResponse([.. purchases.OfType<Purchase>().Select(p => PurchaseResponse.From(p, caller, PurchaseResponse.StripePublishableKey(http)))], page.NextCursor));
    }

    private static async Task<Results<Ok<SalesPageResponse>, ValidationProblem>> Sales(HttpContext http, IGrainFactory grains, int? limit, string? cursor)
    {
        var errors = new FieldErrors();
        Paging.CheckLimit(limit, errors);
        if (errors.Any)
        {
            return errors.Problem();
        }

        var ledger = grains.GetGrain<IPurchaseLedgerGrain>(http.User.UserId());
        var page = await ledger.Sales(limit ?? Paging.DefaultLimit, cursor);
        if (page is null)
        {
            return BadCursor();
        }

        var totals = await ledger.SalesTotals();
        return TypedResults.Ok(new SalesPageResponse([.. page.Items.Select(SaleResponse.From)],
            [.. totals.Select(t => new SalesTotalResponse(t.Currency, Money.ToMajor(t.AmountMinor, t.Currency), t.Count))], page.NextCursor));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Agreement(string purchase_id, HttpContext http, IGrainFactory grains)
    {
        var caller = http.User.UserId();
        var purchase = await Find(grains, purchase_id);
        if (purchase is null || (purchase.BuyerId != caller && purchase.ProducerId != caller))
        {
            return NotFound();
        }

        if (purchase.Status != PurchaseStatus.Completed)
        {
            return NotCompleted(purchase, "The licence agreement exists once the purchase is completed");
        }

        return TypedResults.File(await LicenseAgreement.For(purchase, grains), "application/pdf", $"license-{purchase_id}.pdf");
    }

    internal static async Task<Purchase?> Find(IGrainFactory grains, string purchaseId) =>
        EntityIds.IsValid(purchaseId) ? await grains.GetGrain<IPurchaseGrain>(purchaseId).GetPurchase() : null;

    internal static ProblemHttpResult NotFound() => Refusals.NotFound("No such purchase.");

    /// <summary>Purchasing's own answer for a beat id that names no beat (the catalogue answers its routes with the same words).</summary>
    internal static ProblemHttpResult NoSuchBeat() => Refusals.NotFound("No such beat.");

    /// <summary>What a purchase's files and agreement answer before it completes: <paramref name="what"/>, and the status now.</summary>
    internal static ProblemHttpResult NotCompleted(Purchase purchase, string what) =>
        Refusals.Conflict("The purchase is not completed.", $"{what}; it is {PurchaseResponse.StatusName(purchase.Status)}.");

    private static ValidationProblem BadCursor() => Paging.UnknownCursor("cursor is not one this list gave out.");
}
