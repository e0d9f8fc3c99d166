using System.Net;
using System.Net.Http.Json;
using BeatOrleans.Contracts.Purchasing;
using Microsoft.Extensions.DependencyInjection;

namespace BeatOrleans.Api.Tests.Hosting;

/// <summary>
/// Grain calls whose answer is lost on the way back (a <see cref="TimeoutException"/>, as when a silo or its store is
/// slow): an offer is made but the API never hears of it, and an offer read times out.
/// </summary>
public sealed class LostAnswerHost() : MarketplaceHost(new(), services =>
    services.AddSingleton<IOutgoingGrainCallFilter>(new LostAnswers()));

public sealed class LostAnswers : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(IOfferGrain))
        {
            if (context.MethodName == nameof(IOfferGrain.GetOffer))
            {
                throw new TimeoutException("The answer did not arrive on time (test fault).");
            }

            if (context.MethodName == nameof(IOfferGrain.Make))
            {
                await context.Invoke();
                throw new TimeoutException("The answer did not arrive on time (test fault).");
            }
        }

        await context.Invoke();
    }
}

public sealed class LostAnswerTests(LostAnswerHost host) : IClassFixture<LostAnswerHost>
{
    [Fact]
    public async Task A_change_whose_answer_was_lost_answers_503_saying_it_may_have_been_made_inviting_no_repeat()
    {
        var http = host.CreateClient();
        var producer = await http.LogIn(await http.SignUp());
        var beat = await http.ReadyBeat(producer.Token, new() { ["title"] = "Lost answer" });
        var buyer = await http.LogIn(await http.SignUp());

        var offer = await http.MakeOffer(buyer.Token, beat.Id(), "wav_lease", 20m, "is 20 fine?");

        var problem = await offer.Problem(HttpStatusCode.ServiceUnavailable);
        var detail = problem["detail"]!.GetValue<string>();
        Assert.Contains("may or may not have been made", detail, StringComparison.Ordinal);
        // No Retry-After: a client that repeats on it (the web client does) would make a second offer.
        Assert.False(offer.Headers.Contains("Retry-After"));
        // It was made: its card opened the buyer's chat with the producer.
        var history = await (await http.Send(HttpMethod.Get, $"/api/chat/history/{buyer.UserId}", buyer.Token))
            .Body(HttpStatusCode.OK);
        Assert.Single(history["chats"]!.AsArray());
    }

    [Fact]
    public async Task A_read_whose_answer_was_lost_answers_503_with_retry_after()
    {
        var http = host.CreateClient();
        var buyer = await http.LogIn(await http.SignUp());

        var read = await http.Send(HttpMethod.Get, $"/api/offers/{Guid.NewGuid():N}", buyer.Token);

        await read.Problem(HttpStatusCode.ServiceUnavailable);
        Assert.True(read.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }
}

/// <summary>A silo refuses the email's index entry its confirmation, after the signup stored the account.</summary>
public sealed class RefusedConfirmationHost() : MarketplaceHost(new(), services =>
    services.AddSingleton<IIncomingGrainCallFilter>(new RefusedConfirmations()));

public sealed class RefusedConfirmations : IIncomingGrainCallFilter
{
    private static volatile string? refused;

    /// <summary>The email whose index entry refuses its confirmation.</summary>
    public static string? Refused { get => refused; set => refused = value; }

    public Task Invoke(IIncomingGrainCallContext context) =>
        context.InterfaceMethod?.DeclaringType == typeof(BeatOrleans.Contracts.Users.IIdentityIndexGrain)
            && context.MethodName == "Confirm" && Refused is { } email
            && context.TargetId.ToString().Contains(email, StringComparison.OrdinalIgnoreCase)
            ? throw new BeatOrleans.Contracts.StateNotSavedException()
            : context.Invoke();
}

public sealed class RefusedConfirmationTests(RefusedConfirmationHost host) : IClassFixture<RefusedConfirmationHost>
{
    [Fact]
    public async Task A_refusal_met_after_the_signup_stored_the_account_does_not_say_nothing_was_changed()
    {
        var http = host.CreateClient();
        var name = ApiClient.UniqueName("refused");
        RefusedConfirmations.Refused = $"{name}@example.com";

        var signup = await http.PostAsJsonAsync("/api/users/signup",
            new { username = name, email = $"{name}@example.com", password = ApiClient.Password });

        // The account was stored before the refusal: no "nothing was changed", no Retry-After inviting a repeat.
        var problem = await signup.Problem(HttpStatusCode.ServiceUnavailable);
        var detail = problem["detail"]!.GetValue<string>();
        Assert.Contains("may or may not have been made", detail, StringComparison.Ordinal);
        Assert.False(signup.Headers.Contains("Retry-After"));
    }
}

/// <summary>The store behind the catalogue search and behind offers does not answer (PostgreSQL stopped).</summary>
public sealed class StoreOutageHost() : MarketplaceHost(new(), services =>
    services.AddSingleton<IOutgoingGrainCallFilter>(new StoreOutage()));

public sealed class StoreOutage : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        var grain = context.InterfaceMethod?.DeclaringType;
        var down = grain == typeof(BeatOrleans.Contracts.Catalog.ICatalogSearchGrain)
            || (grain == typeof(IOfferGrain) && context.MethodName == nameof(IOfferGrain.Make));
        return down
            ? throw new BeatOrleans.Contracts.StorageUnavailableException("NpgsqlException: no connection (test)")
            : context.Invoke();
    }
}

public sealed class StoreOutageTests(StoreOutageHost host) : IClassFixture<StoreOutageHost>
{
    private const string StorageDown = "The marketplace's storage is not answering right now.";

    [Fact]
    public async Task A_store_that_does_not_answer_is_a_503_in_words_never_a_500()
    {
        var http = host.CreateClient();
        var buyer = await http.LogIn(await http.SignUp());

        var search = await http.GetAsync("/api/beats?q=anything");
        var searchProblem = await search.Problem(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(StorageDown, searchProblem["title"]!.GetValue<string>());
        Assert.True(search.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        var offer = await http.MakeOffer(buyer.Token, Guid.NewGuid().ToString("N"), "mp3_lease", 20m);
        var offerProblem = await offer.Problem(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(StorageDown, offerProblem["title"]!.GetValue<string>());
        Assert.False(offer.Headers.Contains("Retry-After"));
    }
}
