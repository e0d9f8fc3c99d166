using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BeatOrleans.Testing;

public sealed record Account(string UserId, string Username, string Email, string Password);

public sealed record Tokens(string Token, string TokenType, int ExpiresIn, string RefreshToken, string UserId, string Username);

/// <summary>What a client of the contract does: snake_case JSON over real HTTP.</summary>
public static class ApiClient
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Long and on no common-passwords list, so signup accepts it; scripts/ and README.md use the same literal.</summary>
    public const string Password = "correct-horse-battery-staple-7";

    public static string UniqueName(string prefix = "user") => $"{prefix}_{Guid.NewGuid():N}"[..24];

    public static async Task<Account> SignUp(this HttpClient http, string? username = null, string? email = null)
    {
        username ??= UniqueName();
        email ??= $"{Guid.NewGuid():N}@example.com";
        var response = await http.PostAsJsonAsync("/api/users/signup", new { username, email, password = Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return new Account(body!["user_id"]!.GetValue<string>(), username, email, Password);
    }

    public static async Task<Tokens> LogIn(this HttpClient http, Account account)
    {
        var response = await http.PostAsJsonAsync("/api/users/login", new { email = account.Email, password = account.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Tokens>(Json))!;
    }

    public static async Task<HttpResponseMessage> Send(this HttpClient http, HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await http.SendAsync(request);
    }

    public static async Task<JsonObject> Problem(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((int)expected, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["title"]?.GetValue<string>()));
        return problem;
    }

    public static async Task<JsonObject> Body(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
