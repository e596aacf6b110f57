using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Network;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Chain
{
    /// <summary>
    /// The refusal registration and Set-FabstirHost give for a public URL that does not answer:
    /// each kind of failure lists the checks that explain it, and not the ones that cannot.
    /// </summary>
    public sealed class PublicUrlCheckTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

        private const string AllInterfacesStep = "must listen on all interfaces";

        [Fact]
        public async Task A_refused_url_port_is_named_while_the_running_node_is_not_blamed()
        {
            using var node = new StandInProcess(
                new Dictionary<string, string?> { ["FABSTIR_STANDIN_LOAD_MS"] = "0" });
            await node.WaitForLineAsync("Fabstir LLM Node is running", TimeSpan.FromSeconds(30));
            int closed = FreePort.Tcp();
            var log = new CollectingLog();

            string message = await RefusalAsync($"http://127.0.0.1:{closed}", node.ApiPort, log);

            Assert.Contains($"curl -s http://127.0.0.1:{node.ApiPort}/health", message);
            Assert.Contains($"Ports/URL port {closed}/tcp: nothing listens on {closed}/tcp", message);
            Assert.DoesNotContain($"API port {node.ApiPort}/tcp", message);
            Assert.Contains(AllInterfacesStep, message);
            Assert.Contains($"WARNING: [Fail] Ports/URL port {closed}/tcp", log.All);
        }

        [Fact]
        public async Task A_name_that_does_not_resolve_leads_to_dns_only()
        {
            var log = new CollectingLog();

            string message = await RefusalAsync("https://node.example.invalid", 8080, log);

            Assert.Contains("Public/Public DNS:", message);
            Assert.Contains("nslookup node.example.invalid", message);
            Assert.DoesNotContain("curl -s http://127.0.0.1:8080", message);
            Assert.DoesNotContain("Ports/", message);
            Assert.DoesNotContain(AllInterfacesStep, message);
            Assert.Contains("From another machine: curl -s https://node.example.invalid/health", message);
            Assert.Contains("WARNING: [Fail] Public/Public DNS", log.All);
        }

        [Fact]
        public async Task An_expired_certificate_leads_to_the_certificate_only()
        {
            using var certificate = TestCertificates.Expired();
            using var proxy = LoopbackResponder.Https(certificate, LoopbackResponder.NodeLike());

            string message = await RefusalAsync(proxy.Url.ToString(), proxy.Port, new CollectingLog());

            Assert.Contains("Public/Certificate: CN=localhost, issued by CN=localhost", message);
            Assert.Contains("certbot renew", message);
            Assert.DoesNotContain("curl -s http://127.0.0.1", message);
            Assert.DoesNotContain(AllInterfacesStep, message);
        }

        [Fact]
        public async Task A_silent_listener_leads_to_who_holds_the_port()
        {
            using var silent = new SilentListener();

            string message = await RefusalAsync(silent.Url.ToString(), silent.Port, new CollectingLog());

            Assert.Contains("no HTTP answer", message);
            Assert.Contains($"Ports/API port {silent.Port}/tcp: {silent.Port}/tcp is held by", message);
            Assert.Contains($"pid {Environment.ProcessId}", message);
            Assert.DoesNotContain(AllInterfacesStep, message);
        }

        private static async Task<string> RefusalAsync(string url, int apiPort, IOperationLog log)
        {
            FabstirEndpointResult result = await EndpointProbe.ProbeAsync(
                new Uri(url), Timeout, CancellationToken.None);
            Assert.False(result.Reachable);

            FabstirException refusal = PublicUrlCheck.Unreachable(result, apiPort, null, null, log);

            Assert.Equal("PublicUrlUnreachable", refusal.ErrorId);
            return refusal.Message;
        }
    }
}
