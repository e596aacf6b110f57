using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FabstirHost.Tests.Infrastructure;
using Xunit;
using static FabstirHost.Tests.StandIn.StandInNodeFacts;

namespace FabstirHost.Tests.StandIn
{
    /// <summary>The stand-in's HTTP listener: when it exists and what it answers.</summary>
    public sealed class StandInHttpTests
    {
        private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

        [Fact]
        public async Task ConnectionsAreRefusedWhileTheModelLoads()
        {
            using var node = new StandInProcess(Env(("FABSTIR_STANDIN_LOAD_MS", "1500")));
            await node.WaitForLineAsync("📦 Loading model:", StartupTimeout, OutputStream.Stdout);

            SocketException refused = await Assert.ThrowsAsync<SocketException>(async () =>
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, node.ApiPort);
            });

            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
            Assert.Equal(-1, node.Stdout.IndexOf("📡 Configuring P2P networking..."));
            await node.WaitForLineAsync(ApiStartedMarker, StartupTimeout, OutputStream.Stdout);
            using HttpResponseMessage health = await Http.GetAsync($"{node.BaseUrl}/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        [Fact]
        public async Task EndpointsAnswerAsTheNodeDoes()
        {
            using var node = new StandInProcess();
            await node.WaitForBannerAsync();

            using HttpResponseMessage health = await Http.GetAsync($"{node.BaseUrl}/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("application/json", health.Content.Headers.ContentType?.MediaType);
            Assert.Equal("{\"status\":\"degraded\",\"issues\":[\"No P2P node available\"]}",
                await health.Content.ReadAsStringAsync());

            using HttpResponseMessage models = await Http.GetAsync($"{node.BaseUrl}/v1/models");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, models.StatusCode);
            using (JsonDocument error = JsonDocument.Parse(await models.Content.ReadAsStringAsync()))
            {
                Assert.True(error.RootElement.TryGetProperty("error", out _));
            }

            using HttpResponseMessage metrics = await Http.GetAsync($"{node.BaseUrl}/metrics");
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Contains("# TYPE ", await metrics.Content.ReadAsStringAsync());

            foreach (string path in new[] { "/status", "/version", "/ready" })
            {
                using HttpResponseMessage missing = await Http.GetAsync(node.BaseUrl + path);
                Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
                Assert.Equal("", await missing.Content.ReadAsStringAsync());
            }
        }

        [Fact]
        public async Task VersionCarriesTheNodesFieldsAndNoStandInMarkByDefault()
        {
            using var node = new StandInProcess();
            await node.WaitForBannerAsync();

            using JsonDocument version = JsonDocument.Parse(await Http.GetStringAsync($"{node.BaseUrl}/v1/version"));
            JsonElement root = version.RootElement;

            Assert.Equal("8.38.0", root.GetProperty("version").GetString());
            Assert.StartsWith("v8.38.0-", root.GetProperty("build").GetString());
            Assert.Equal("2026-07-18", root.GetProperty("date").GetString());
            Assert.True(root.GetProperty("features").GetArrayLength() > 0);
            int[] chains = root.GetProperty("chains").EnumerateArray().Select(c => c.GetInt32()).ToArray();
            Assert.Equal(new[] { 84532, 5611 }, chains);
            Assert.Equal(JsonValueKind.Array, root.GetProperty("breaking_changes").ValueKind);
            Assert.False(root.TryGetProperty("standinNode", out _));
        }

        [Fact]
        public async Task NodeNameTellsTwoStandInsApart()
        {
            using var node = new StandInProcess(Env(("FABSTIR_STANDIN_NODE_NAME", "alpha")));
            await node.WaitForBannerAsync();

            using JsonDocument version = JsonDocument.Parse(await Http.GetStringAsync($"{node.BaseUrl}/v1/version"));

            Assert.Equal("alpha", version.RootElement.GetProperty("standinNode").GetString());
            Assert.Equal("8.38.0", version.RootElement.GetProperty("version").GetString());
        }

        [Fact]
        public async Task ConcurrentRequestsAreAllServed()
        {
            using var node = new StandInProcess();
            await node.WaitForBannerAsync();

            HttpResponseMessage[] responses = await Task.WhenAll(
                Enumerable.Range(0, 24).Select(_ => Http.GetAsync($"{node.BaseUrl}/health")));

            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            foreach (HttpResponseMessage response in responses)
            {
                response.Dispose();
            }
        }

        [Fact]
        public async Task BindAddressRestrictsTheListenerToThatAddress()
        {
            using var node = new StandInProcess(Env(("FABSTIR_STANDIN_BIND_ADDRESS", "127.0.0.2")));
            await node.WaitForBannerAsync();

            using HttpResponseMessage health = await Http.GetAsync($"http://127.0.0.2:{node.ApiPort}/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            await Assert.ThrowsAsync<HttpRequestException>(
                () => Http.GetAsync($"http://127.0.0.1:{node.ApiPort}/health"));
        }
    }
}
