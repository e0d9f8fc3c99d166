using System.Text.Json;
using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Catalog;
using BeatOrleans.Contracts.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BeatOrleans.Api.Purchasing;

public sealed record UpdateLicensesRequest(JsonElement? Licenses);

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
        var beat = await BeatsEndpoints.Find(grains, beat_id);
        return beat is null ? BeatsEndpoints.NotFound() : TypedResults.Ok(LicensesResponse.From(beat));
    }

    private static async Task<Results<Ok<LicensesResponse>, ValidationProblem, ProblemHttpResult>> Update(
        string beat_id, UpdateLicensesRequest request, HttpContext http, IGrainFactory grains)
    {
        var beat = await BeatsEndpoints.Find(grains, beat_id);
        if (beat is null)
        {
            return BeatsEndpoints.NotFound();
        }

        var caller = http.User.UserId();
        if (beat.ProducerId != caller)
        {
            return TypedResults.Problem(statusCode: 403, title: "Forbidden.", detail: "Only the beat's producer can change its licences.");
        }

        // The upload's own parser: the same rules (1-5 tiers, known types, prices, stems for trackout) and messages.
        var errors = new Dictionary<string, string[]>();
        var tiers = BeatFields.ParseTierList(request.Licenses?.GetRawText() ?? "null", beat.Stems is not null, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await grains.GetGrain<IBeatGrain>(beat_id).UpdateLicenses(caller, tiers) switch
        {
            LicensesOutcome.Updated => TypedResults.Ok(LicensesResponse.From(beat with { Licenses = tiers })),
            LicensesOutcome.NotProducer => TypedResults.Problem(statusCode: 403, title: "Forbidden.", detail: "Only the beat's producer can change its licences."),
            LicensesOutcome.Sold => TypedResults.Problem(statusCode: 409, title: "The beat is sold.", detail: "The exclusive licence was sold; nothing more can be offered."),
            _ => BeatsEndpoints.NotFound(),
        };
    }
}
