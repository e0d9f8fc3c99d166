using BeatOrleans.Hosting;
using Microsoft.Extensions.Hosting;

// A stand-alone silo: Silo:Domains says which domains' grains it hosts (e.g. Silo__Domains=users).
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
var options = builder.Configuration.GetSiloHostingOptions();
builder.UseOrleans(silo => silo.AddBeatOrleansSilo(builder.Configuration, options));
await builder.Build().RunAsync();
