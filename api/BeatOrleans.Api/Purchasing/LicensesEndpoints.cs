using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Catalog;
using BeatOrleans.Contracts.Catalog;

namespace BeatOrleans.Api.Purchasing;

internal static class LicensesEndpoints
{
    public static IEndpointRouteBuilder MapLicensesEndpoints(this IEndpointRouteBuilder app)
    {
        var beats = app.MapGroup("/api/beats").WithTags("Purchasing");
        beats.MapGet("/{beat_id}/licenses", Get).AllowAnonymous().ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetLicenses").WithSummary("The licences a beat offers: price, deliverables and terms of each tier.");
        beats.MapPut("/{beat_id}/licenses", Update)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("UpdateLicenses").WithSummary("Producer only: replace the tiers on offer and their prices; licences already sold keep theirs.");
        return app;
    }

    private static async Task<Results<Ok<LicensesResponse>, ProblemHttpResult>> Get(string beat_id, IGrainFactory grains)
    {
        var beat = await FindBeat(grains, beat_id);
        return beat is null ? PurchasingEndpoints.NoSuchBeat() : TypedResults.Ok(LicensesResponse.From(beat));
    }

    private static async Task<Results<Ok<LicensesResponse>, ValidationProblem, ProblemHttpResult>> Update(
        string beat_id, UpdateLicensesRequest request, HttpContext http, IGrainFactory grains)
    {
        var beat = await FindBeat(grains, beat_id);
        if (beat is null)
        {
            return PurchasingEndpoints.NoSuchBeat();
        }

        var caller = http.User.UserId();
        if (beat.ProducerId != caller)
        {
            return NotProducer();
        }

        // The upload's own parser: the same rules (1-5 tiers, known types, prices, stems for trackout) and messages.
        var errors = new FieldErrors();
        var tiers = BeatFields.ParseTierList(request.Licenses?.GetRawText() ?? "null", beat.Stems is not null, errors);
        if (errors.Any)
        {
            return errors.Problem();
        }

        return await grains.GetGrain<IBeatGrain>(beat_id).UpdateLicenses(caller, tiers) switch
        {
            LicensesOutcome.Updated => TypedResults.Ok(LicensesResponse.From(beat with { Licenses = tiers })),
            LicensesOutcome.NotProducer => NotProducer(),
            LicensesOutcome.Sold => Refusals.Conflict("The beat is sold.", "The exclusive licence was sold; nothing more can be offered."),
            _ => PurchasingEndpoints.NoSuchBeat(),
        };
    }

    private static async Task<Beat?> FindBeat(IGrainFactory grains, string beatId) =>
        EntityIds.IsValid(beatId) ? await grains.GetGrain<IBeatGrain>(beatId).GetBeat() : null;

    private static ProblemHttpResult NotProducer() => Refusals.Forbidden("Only the beat's producer can change its licences.");
}
