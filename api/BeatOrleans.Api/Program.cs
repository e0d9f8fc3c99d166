using BeatOrleans.Api.Auth;
using BeatOrleans.Api.Catalog;
using BeatOrleans.Api.Chat;
using BeatOrleans.Api.Conventions;
using BeatOrleans.Api.Health;
using BeatOrleans.Api.Notifications;
using BeatOrleans.Api.Orleans;
using BeatOrleans.Api.Problems;
using BeatOrleans.Api.Purchasing;
using BeatOrleans.Api.RealTime;
using BeatOrleans.Api.Users;

var builder = WebApplication.CreateBuilder(args);

builder.AddBeatOrleans();
builder.AddApiConventions();
builder.AddMarketplaceProblems();
builder.AddMarketplaceAuth();
builder.AddMarketplaceRateLimits();
builder.AddMarketplaceHealthChecks();
builder.AddUserDirectory();
builder.AddMarketplaceRealTime();
builder.AddMarketplaceCatalog();

var app = builder.Build();

app.UseMarketplaceProblems();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapOperationsEndpoints();
app.MapUsersEndpoints();
app.MapCatalogEndpoints();
app.MapPurchasingEndpoints();
app.MapChatEndpoints();
app.MapNotificationsEndpoints();
app.MapMarketplaceRealTime();

app.Run();

/// <summary>The API host; public so tests can start it through WebApplicationFactory.</summary>
public partial class Program;
