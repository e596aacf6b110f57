using System.Diagnostics;
using System.Net;
using FabstirHost.Core.Network;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Network
{
    public sealed class EndpointProbeTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

        private static Task<FabstirEndpointResult> Probe(Uri url, TimeSpan? timeout = null) =>
            EndpointProbe.ProbeAsync(url, timeout ?? Timeout, CancellationToken.None);

        private static Task<FabstirEndpointResult> Probe(string url, TimeSpan? timeout = null) =>
            Probe(new Uri(url), timeout);

        [Fact]
        public async Task A_node_is_reachable_with_its_health_and_version()
        {
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike());

            FabstirEndpointResult result = await Probe(node.Url);

            Assert.True(result.Reachable, result.FailureMessage);
            Assert.Equal(EndpointFailureKind.None, result.Failure);
            Assert.Equal(200, result.StatusCode);
            Assert.Equal("degraded", result.HealthStatus);
            Assert.Equal(new[] { "No P2P node available" }, result.HealthIssues);
            Assert.Equal("8.38.0", result.NodeVersion);
            Assert.NotNull(result.Latency);
            Assert.Equal(new[] { IPAddress.Loopback }, result.Addresses);
            Assert.True(result.IsLocalOnly);
            Assert.Contains("loopback", result.LocalOnlyReason);
        }

        [Fact]
        public async Task The_path_of_the_url_is_kept()
        {
            using var gateway = LoopbackResponder.Http(LoopbackResponder.NodeLike(prefix: "/x/node1"));

            FabstirEndpointResult result = await Probe(new Uri(gateway.Url, "/x/node1"));

            Assert.True(result.Reachable, result.FailureMessage);
            Assert.Equal(new[] { "/x/node1/health", "/x/node1/v1/version" }, gateway.Paths.ToArray());
        }

        [Fact]
        public async Task A_listener_that_never_answers_times_out_on_time()
        {
            using var silent = new SilentListener();
            var clock = Stopwatch.StartNew();

            FabstirEndpointResult result = await Probe(silent.Url, TimeSpan.FromMilliseconds(500));

            Assert.Equal(EndpointFailureKind.TimedOut, result.Failure);
            Assert.Contains("no HTTP answer", result.FailureMessage);
            Assert.False(result.Reachable);
            Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(2));
        }

        [Fact]
        public async Task A_closed_port_is_refused()
        {
            int port = FreePort.Tcp();

            FabstirEndpointResult result = await Probe($"http://127.0.0.1:{port}");

            Assert.Equal(EndpointFailureKind.ConnectionRefused, result.Failure);
            Assert.Contains($"port {port}", result.FailureMessage);
        }

        [Fact]
        public async Task A_password_in_the_url_is_in_no_result_or_log_line()
        {
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike());
            var log = new CollectingLog();
            var url = new Uri($"http://operator:s3cret@127.0.0.1:{node.Port}/");
            var closed = new Uri($"http://operator:s3cret@127.0.0.1:{FreePort.Tcp()}/");

            FabstirEndpointResult reached = await EndpointProbe.ProbeAsync(url, Timeout, log, CancellationToken.None);
            FabstirEndpointResult refused = await EndpointProbe.ProbeAsync(closed, Timeout, log, CancellationToken.None);

            Assert.True(reached.Reachable, reached.FailureMessage);
            Assert.Equal($"http://…@127.0.0.1:{node.Port}/", reached.Url.ToString());
            Assert.Equal($"http://…@127.0.0.1:{node.Port}/health", reached.HealthUrl.ToString());
            Assert.Contains($"GET http://…@127.0.0.1:{node.Port}/health", log.All);
            Assert.Equal(EndpointFailureKind.ConnectionRefused, refused.Failure);
            string shown = string.Join("\n", log.All, reached, refused, refused.Url, refused.HealthUrl.AbsoluteUri);
            Assert.DoesNotContain("s3cret", shown);
        }

        [Fact]
        public async Task A_name_that_looks_like_an_address_is_resolved_and_judged_as_a_name()
        {
            FabstirEndpointResult result = await Probe("http://10.1.2./");

            Assert.False(result.Reachable);
            Assert.Empty(result.Addresses);
            Assert.False(result.IsLocalOnly, result.LocalOnlyReason);
            Assert.Contains("'10.1.2.'", result.FailureMessage);
        }

        [Fact]
        public async Task A_name_that_never_resolves_says_so()
        {
            FabstirEndpointResult result = await Probe("https://node.example.invalid");

            Assert.Equal(EndpointFailureKind.NameNotResolved, result.Failure);
            Assert.Contains("node.example.invalid", result.FailureMessage);
            Assert.Empty(result.Addresses);
        }

        [Fact]
        public async Task Localhost_resolves_and_is_local_only()
        {
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike());

            FabstirEndpointResult result = await Probe($"http://localhost:{node.Port}");

            Assert.True(result.Reachable, result.FailureMessage);
            Assert.Contains(IPAddress.Loopback, result.Addresses);
            Assert.Contains("localhost", result.LocalOnlyReason);
        }

        [Fact]
        public async Task A_self_signed_certificate_is_a_tls_failure_with_its_details()
        {
            using var certificate = TestCertificates.Current();
            using var node = LoopbackResponder.Https(certificate, LoopbackResponder.NodeLike());

            FabstirEndpointResult result = await Probe(node.Url);

            Assert.Equal(EndpointFailureKind.TlsFailure, result.Failure);
            Assert.False(result.Reachable);
            Assert.NotNull(result.Certificate);
            Assert.False(result.Certificate!.IsValid);
            Assert.Contains("self-signed", result.Certificate.Problem);
            Assert.Equal("CN=localhost", result.Certificate.Issuer);
            var expiry = certificate.NotAfter.ToUniversalTime();
            Assert.Equal(expiry, result.Certificate.NotAfter, TimeSpan.FromSeconds(1));
            Assert.Equal("degraded", result.HealthStatus);
        }

        [Fact]
        public async Task An_expired_certificate_is_named_as_expired()
        {
            using var certificate = TestCertificates.Expired();
            using var node = LoopbackResponder.Https(certificate, LoopbackResponder.NodeLike());

            FabstirEndpointResult result = await Probe(node.Url);

            Assert.Equal(EndpointFailureKind.TlsFailure, result.Failure);
            Assert.Contains("expired on", result.FailureMessage);
            Assert.True(result.Certificate!.NotAfter < DateTime.UtcNow);
        }

        [Fact]
        public async Task Https_to_a_plain_http_port_is_a_tls_failure()
        {
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike());

            FabstirEndpointResult result = await Probe($"https://127.0.0.1:{node.Port}");

            Assert.Equal(EndpointFailureKind.TlsFailure, result.Failure);
            Assert.Contains("plain HTTP", result.FailureMessage);
            Assert.Null(result.Certificate);
        }

        [Fact]
        public async Task A_silent_https_port_times_out_in_the_handshake()
        {
            using var silent = new SilentListener();

            var url = $"https://127.0.0.1:{silent.Port}";

            FabstirEndpointResult result = await Probe(url, TimeSpan.FromMilliseconds(400));

            Assert.Equal(EndpointFailureKind.TimedOut, result.Failure);
            Assert.Contains("TLS handshake did not finish", result.FailureMessage);
        }

        [Fact]
        public async Task Plain_http_to_a_tls_port_is_not_a_node()
        {
            using var certificate = TestCertificates.Current();
            using var node = LoopbackResponder.Https(certificate, LoopbackResponder.NodeLike());

            FabstirEndpointResult result = await Probe($"http://127.0.0.1:{node.Port}");

            Assert.Equal(EndpointFailureKind.NotFabstirNode, result.Failure);
            Assert.Contains("https", result.FailureMessage);
        }

        [Theory]
        [InlineData(404, "", EndpointFailureKind.NotFabstirNode, "404")]
        [InlineData(502, "bad gateway", EndpointFailureKind.HttpError, "proxy")]
        [InlineData(200, "<html>welcome</html>", EndpointFailureKind.NotFabstirNode, "health report")]
        [InlineData(301, "", EndpointFailureKind.HttpError, "redirects")]
        public async Task Answers_that_are_not_a_healthy_node_are_classified(
            int status,
            string body,
            EndpointFailureKind expected,
            string explanation)
        {
            using var service = LoopbackResponder.Http(_ => new CannedAnswer(status, body, "text/html"));

            FabstirEndpointResult result = await Probe(service.Url);

            Assert.Equal(expected, result.Failure);
            Assert.Equal(status, result.StatusCode);
            Assert.Contains(explanation, result.FailureMessage);
            Assert.False(result.Reachable);
        }

        [Fact]
        public async Task Many_urls_are_probed_concurrently_and_returned_in_order()
        {
            var silent = Enumerable.Range(0, 20).Select(_ => new SilentListener()).ToList();
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike());
            try
            {
                var urls = silent.Select(s => s.Url).Prepend(node.Url).ToList();
                var clock = Stopwatch.StartNew();

                var results = await EndpointProbe.ProbeManyAsync(
                    urls, TimeSpan.FromSeconds(1), 32, Core.NullOperationLog.Instance, CancellationToken.None);

                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.9), $"took {clock.Elapsed}");
                Assert.Equal(urls, results.Select(r => r.Url));
                Assert.True(results[0].Reachable);
                Assert.All(results.Skip(1), r => Assert.Equal(EndpointFailureKind.TimedOut, r.Failure));
            }
            finally
            {
                silent.ForEach(s => s.Dispose());
            }
        }

        [Fact]
        public async Task The_degree_of_parallelism_is_bounded()
        {
            var silent = Enumerable.Range(0, 4).Select(_ => new SilentListener()).ToList();
            try
            {
                var clock = Stopwatch.StartNew();

                await EndpointProbe.ProbeManyAsync(
                    silent.Select(s => s.Url).ToList(), TimeSpan.FromMilliseconds(300), 2,
                    Core.NullOperationLog.Instance, CancellationToken.None);

                // Two at a time: two rounds of 300 ms at least.
                Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(580), $"took {clock.Elapsed}");
            }
            finally
            {
                silent.ForEach(s => s.Dispose());
            }
        }

        [Fact]
        public async Task The_caller_cancelling_is_not_reported_as_a_timeout()
        {
            using var silent = new SilentListener();
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => EndpointProbe.ProbeAsync(silent.Url, TimeSpan.FromSeconds(10), cancel.Token));
        }
    }
}
