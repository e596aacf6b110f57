using FabstirHost.Core.Network;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Network
{
    public sealed class TroubleshooterTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

        private static Task<FabstirEndpointResult> Probe(Uri url, TimeSpan? timeout = null) =>
            EndpointProbe.ProbeAsync(url, timeout ?? Timeout, CancellationToken.None);

        private static Task<FabstirEndpointResult> Probe(string url, TimeSpan? timeout = null) =>
            Probe(new Uri(url), timeout);

        [Fact]
        public async Task A_refused_connection_leads_to_the_listener_and_the_firewall()
        {
            int port = FreePort.Tcp();
            var result = await Probe($"http://127.0.0.1:{port}");

            var checks = Troubleshooter.ForFailure(result, port);

            Assert.Equal(new[] { "Endpoint", $"API port {port}/tcp", "Firewall" }, checks.Select(c => c.Name));
            Assert.Equal(DiagnosticStatus.Fail, checks[1].Status);
            Assert.Contains("Start-FabstirNode", checks[0].Remedy);
        }

        [Fact]
        public async Task A_refused_url_port_other_than_the_api_port_is_checked_too()
        {
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike());
            int urlPort = FreePort.Tcp();
            var result = await Probe($"http://localhost:{urlPort}");

            var checks = Troubleshooter.ForFailure(result, node.Port);

            Assert.Equal($"URL port {urlPort}/tcp", checks[1].Name);
            Assert.Equal(DiagnosticStatus.Fail, checks[1].Status);
            Assert.Equal($"API port {node.Port}/tcp", checks[2].Name);
            Assert.Equal(DiagnosticStatus.Warn, checks[2].Status);
        }

        [Fact]
        public async Task A_name_that_does_not_resolve_leads_to_dns()
        {
            var result = await Probe("https://node.example.invalid");

            var checks = Troubleshooter.ForFailure(result, 8080);

            Assert.Equal(new[] { "Endpoint", "Public DNS" }, checks.Select(c => c.Name));
            Assert.Contains("A record", checks[1].Remedy);
        }

        [Fact]
        public async Task A_bad_certificate_leads_to_the_certificate()
        {
            using var certificate = TestCertificates.Expired();
            using var node = LoopbackResponder.Https(certificate, LoopbackResponder.NodeLike());
            var result = await Probe(node.Url);

            var checks = Troubleshooter.ForFailure(result, node.Port);

            Assert.Equal(new[] { "Endpoint", "Certificate" }, checks.Select(c => c.Name));
            Assert.Contains("expired", checks[1].Detail);
            Assert.Contains("certbot renew", checks[1].Remedy);
        }

        [Fact]
        public async Task A_silent_listener_leads_to_who_holds_the_port()
        {
            using var silent = new SilentListener();
            var result = await Probe(silent.Url, TimeSpan.FromMilliseconds(300));

            var checks = Troubleshooter.ForFailure(result, silent.Port);

            Assert.Equal(new[] { "Endpoint", $"API port {silent.Port}/tcp" }, checks.Select(c => c.Name));
            Assert.Contains($"pid {Environment.ProcessId}", checks[1].Detail);
        }

        [Fact]
        public async Task An_http_error_leads_to_the_api_port_behind_the_proxy()
        {
            using var proxy = LoopbackResponder.Http(_ => new CannedAnswer(502, "bad gateway", "text/plain"));
            int apiPort = FreePort.Tcp();
            var result = await Probe(proxy.Url);

            var checks = Troubleshooter.ForFailure(result, apiPort);

            Assert.Contains(checks, c => c.Name == $"API port {apiPort}/tcp" && c.Status == DiagnosticStatus.Fail);
            Assert.Contains($"http://127.0.0.1:{apiPort}", checks[0].Remedy);
        }

        [Fact]
        public async Task A_reachable_endpoint_needs_no_troubleshooting()
        {
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike());
            var result = await Probe(node.Url);

            Assert.Empty(Troubleshooter.ForFailure(result, node.Port));
        }
    }
}
