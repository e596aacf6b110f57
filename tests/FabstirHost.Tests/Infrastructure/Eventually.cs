namespace FabstirHost.Tests.Infrastructure
{
    /// <summary>Polls for a condition with a deadline instead of sleeping a fixed time.</summary>
    public static class Eventually
    {
        public static async Task<bool> TrueAsync(Func<bool> condition, TimeSpan timeout, int pollMilliseconds = 20)
        {
            DateTime deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (condition())
                {
                    return true;
                }

                await Task.Delay(pollMilliseconds);
            }

            return condition();
        }

        public static async Task Assert(Func<bool> condition, TimeSpan timeout, string because)
        {
            if (!await TrueAsync(condition, timeout))
            {
                throw new Xunit.Sdk.XunitException($"Condition not met within {timeout.TotalSeconds:0.#} s: {because}");
            }
        }
    }
}
