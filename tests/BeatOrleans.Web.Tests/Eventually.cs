namespace BeatOrleans.Web.Tests;

/// <summary>Polls a condition with a deadline (no sleeps that hope).</summary>
public static class Eventually
{
    public static async Task Holds(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold before the deadline");
            await Task.Delay(100);
        }
    }
}
