namespace BeatOrleans.Api.OpenApi;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) as a contract: the framework describes routes and bodies, and the
/// transformers here add what it cannot see: the bounds and closed sets the endpoints check, each operation's security
/// and error answers, the upload forms, and examples. The operators' dashboard is no part of it.
/// </summary>
public static class OpenApiExtensions
{
    public const string DocumentName = "v1";

    public static WebApplicationBuilder AddMarketplaceOpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = description => description.GroupName is null or DocumentName
                && description.RelativePath?.StartsWith("dashboard", StringComparison.OrdinalIgnoreCase) != true;
            o.AddSchemaTransformer<TimestampSchemas>();
            o.AddOperationTransformer<OperationContracts>();
            o.AddDocumentTransformer<DocumentDescription>();
            o.AddDocumentTransformer<WireSchemas>();
        });
        return builder;
    }
}
