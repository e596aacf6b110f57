using System.Net;
using System.Net.Sockets;
using FabstirHost.Core;
using FabstirHost.Core.Config;
using FabstirHost.Core.Network;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Network
{
    /// <summary>The probe and the diagnostics against the stand-in node, a real process on real ports.</summary>
    public sealed class StandInEndpointTests : IDisposable
    {
        private static readonly TimeSpan Ready = TimeSpan.FromSeconds(30);
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

        private static Task<FabstirEndpointResult> Probe(Uri url, TimeSpan? timeout = null) =>
            EndpointProbe.ProbeAsync(url, timeout ?? Timeout, CancellationToken.None);

        private static Task<FabstirEndpointResult> Probe(string url, TimeSpan? timeout = null) =>
            Probe(new Uri(url), timeout);
        private readonly List<IDisposable> _owned = new();

        public void Dispose()
        {
            foreach (IDisposable owned in Enumerable.Reverse(_owned))
            {
                owned.Dispose();
            }
        }

        [Fact]
        public async Task The_stand_in_is_reachable_and_reports_degraded_health_and_its_version()
        {
            StandInProcess node = await StartAsync();

            FabstirEndpointResult result = await Probe(node.BaseUrl);

            Assert.True(result.Reachable, result.FailureMessage);
            Assert.Equal("degraded", result.HealthStatus);
            Assert.Equal(new[] { "No P2P node available" }, result.HealthIssues);
            Assert.Matches(@"^\d+\.\d+\.\d+$", result.NodeVersion);
        }

        [Fact]
        public async Task A_loading_node_refuses_connections()
        {
            var slowLoad = new Dictionary<string, string?> { ["FABSTIR_STANDIN_LOAD_MS"] = "60000" };
            var node = Own(new StandInProcess(slowLoad));
            await node.WaitForLineAsync("Loading model", Ready);

            FabstirEndpointResult result = await Probe(node.BaseUrl);

            Assert.Equal(EndpointFailureKind.ConnectionRefused, result.Failure);
        }

        [Fact]
        public async Task A_path_the_node_does_not_serve_is_not_a_node()
        {
            StandInProcess node = await StartAsync();

            FabstirEndpointResult result = await Probe(node.BaseUrl + "/x/node1");

            Assert.Equal(EndpointFailureKind.NotFabstirNode, result.Failure);
            Assert.Contains("/x/node1/health answered 404", result.FailureMessage);
        }

        [Fact]
        public async Task A_second_node_on_127_0_0_2_is_told_apart_from_this_one()
        {
            StandInProcess mine = await StartAsync(("FABSTIR_STANDIN_NODE_NAME", "alpha"));
            StandInProcess other = await StartAsync(
                ("FABSTIR_STANDIN_NODE_NAME", "beta"), ("FABSTIR_STANDIN_BIND_ADDRESS", "127.0.0.2"));
            var local = await Probe(mine.BaseUrl);
            var same = await Probe($"http://localhost:{mine.ApiPort}");
            var wrong = await Probe($"http://127.0.0.2:{other.ApiPort}");

            Assert.Equal(DiagnosticStatus.Pass, DiagnosticChecks.SameNode(local, same).Status);
            FabstirDiagnostic check = DiagnosticChecks.SameNode(local, wrong);
            Assert.Equal(DiagnosticStatus.Fail, check.Status);
            Assert.Contains("the URL reaches another node", check.Detail);
        }

        [Fact]
        public async Task Two_nodes_of_one_build_are_told_apart_by_the_process_that_listens()
        {
            StandInProcess mine = await StartAsync();
            StandInProcess other = await StartAsync(("FABSTIR_STANDIN_BIND_ADDRESS", "127.0.0.2"));
            var local = await Probe(mine.BaseUrl);
            var same = await Probe($"http://localhost:{mine.ApiPort}");
            var wrong = await Probe($"http://127.0.0.2:{other.ApiPort}");
            var table = SocketTable.Read();
            var addresses = UrlRules.LocalAddresses();

            FabstirDiagnostic pass = DiagnosticChecks.SameNode(local, same, table, addresses);
            FabstirDiagnostic fail = DiagnosticChecks.SameNode(local, wrong, table, addresses);

            // Unnamed, the two answer alike, as real nodes of one build do.
            Assert.Equal(local.VersionBody, wrong.VersionBody);
            Assert.Equal(DiagnosticStatus.Pass, pass.Status);
            Assert.Contains($"both reach fabstir-llm-node (pid {mine.Id})", pass.Detail);
            Assert.Equal(DiagnosticStatus.Fail, fail.Status);
            Assert.Contains($"reaches fabstir-llm-node (pid {other.Id}) on 127.0.0.2:{other.ApiPort}", fail.Detail);
            Assert.Contains($"port {mine.ApiPort}", fail.Remedy);
        }

        [Fact]
        public async Task A_proxy_answering_for_the_node_is_not_taken_for_another_node()
        {
            StandInProcess node = await StartAsync();
            var local = await Probe(node.BaseUrl);
            string version = local.VersionBody!;
            using var proxy = LoopbackResponder.Http(path => path == "/v1/version"
                ? new CannedAnswer(200, version)
                : LoopbackResponder.NodeLike()(path));
            var viaProxy = await Probe(proxy.Url);

            FabstirDiagnostic check = DiagnosticChecks.SameNode(
                local, viaProxy, SocketTable.Read(), UrlRules.LocalAddresses());

            Assert.Equal(DiagnosticStatus.Pass, check.Status);
            Assert.Contains($"(pid {Environment.ProcessId}), which forwards to a node of this build", check.Detail);
        }

        [Fact]
        public async Task The_diagnostics_fail_the_same_node_check_for_another_node_of_the_same_build()
        {
            StandInProcess mine = await StartAsync();
            StandInProcess other = await StartAsync(("FABSTIR_STANDIN_BIND_ADDRESS", "127.0.0.2"));
            using var home = new TempHome();
            var config = new HostConfig
            {
                ApiPort = mine.ApiPort,
                P2PPort = mine.P2PPort,
                PublicUrl = $"http://127.0.0.2:{other.ApiPort}",
            };
            DiagnosticsOptions options = DiagnosticsOptions.FromConfig(home.Paths, config);
            options.Timeout = Timeout;

            var checks = await HostDiagnostics.RunAsync(options, NullOperationLog.Instance, default);

            Assert.Equal(DiagnosticStatus.Pass, checks.Single(c => c.Name == "Public reachability").Status);
            FabstirDiagnostic same = checks.Single(c => c.Name == "Same node");
            Assert.Equal(DiagnosticStatus.Fail, same.Status);
            Assert.Contains($"pid {other.Id}", same.Detail);
        }

        [Fact]
        public async Task A_node_bound_to_one_loopback_address_warns_and_one_on_all_interfaces_passes()
        {
            StandInProcess everywhere = await StartAsync();
            StandInProcess loopback = await StartAsync(("FABSTIR_STANDIN_BIND_ADDRESS", "127.0.0.2"));
            var table = SocketTable.Read();

            FabstirDiagnostic open = DiagnosticChecks.Port(
                "API port", everywhere.ApiPort, "tcp", table, new NodeProcessFacts(everywhere.Id, false), null);
            FabstirDiagnostic closed = DiagnosticChecks.Port(
                "API port", loopback.ApiPort, "tcp", table, new NodeProcessFacts(loopback.Id, false), null);

            Assert.Equal(DiagnosticStatus.Pass, open.Status);
            Assert.Contains($"fabstir-llm-node (pid {everywhere.Id}) listens on all interfaces", open.Detail);
            Assert.Equal(DiagnosticStatus.Warn, closed.Status);
            Assert.Contains("127.0.0.2 only", closed.Detail);
        }

        [Fact]
        public async Task A_running_node_passes_every_local_check()
        {
            StandInProcess node = await StartAsync();
            using var home = new TempHome();
            WriteState(home, node);
            var config = new HostConfig
            {
                ApiPort = node.ApiPort,
                P2PPort = node.P2PPort,
                ModelPath = node.ModelPath,
                NodePath = TestAssets.StandInNode,
                PublicUrl = $"http://localhost:{node.ApiPort}",
            };

            DiagnosticsOptions options = DiagnosticsOptions.FromConfig(home.Paths, config);
            options.Timeout = Timeout;

            var checks = await HostDiagnostics.RunAsync(options, NullOperationLog.Instance, default);

            var failed = checks.Where(c => c.Status == DiagnosticStatus.Fail).Select(c => c.ToString()).ToList();
            Assert.True(failed.Count == 0, string.Join("\n", failed));
            string[] onThisMachine =
                [DiagnosticArea.Node, DiagnosticArea.Process, DiagnosticArea.Ports, DiagnosticArea.Local];
            Assert.All(
                checks.Where(c => onThisMachine.Contains(c.Area)),
                c => Assert.Equal(DiagnosticStatus.Pass, c.Status));
            Assert.Equal(DiagnosticStatus.Pass, checks.Single(c => c.Name == "Same node").Status);
        }

        [Fact]
        public async Task A_taken_p2p_udp_port_keeps_the_node_from_starting_and_is_named()
        {
            int apiPort = FreePort.Tcp();
            int p2p = FreePort.Range(3);
            using var taken = new UdpClient(new IPEndPoint(IPAddress.Any, p2p + 2));
            var node = Own(new StandInProcess(new Dictionary<string, string?>
            {
                ["API_PORT"] = apiPort.ToString(),
                ["P2P_PORT"] = p2p.ToString(),
                ["FABSTIR_STANDIN_LOAD_MS"] = "0",
            }));

            DateTime started = node.Process.StartTime.ToUniversalTime();
            int exitCode = await node.WaitForExitAsync(Ready);
            using var home = new TempHome();
            Directory.CreateDirectory(home.Paths.NodeDirectory);
            File.WriteAllText(home.Paths.StateFile,
                $"{{\"nodePid\":{node.Id},\"nodeStartTime\":\"{started:O}\",\"lastExitCode\":{exitCode}}}");

            DiagnosticChecks.NodeProcess(home.Paths, out NodeProcessFacts facts);
            var ports = DiagnosticChecks.Ports(new NodePorts(apiPort, p2p), SocketTable.Read(), facts).ToList();

            Assert.Equal(1, exitCode);
            FabstirDiagnostic quic = ports.Single(c => c.Name == $"P2P QUIC port {p2p + 2}/udp");
            Assert.Equal(DiagnosticStatus.Fail, quic.Status);
            Assert.Contains("the node cannot start", quic.Detail);
            Assert.Contains($"pid {Environment.ProcessId}", quic.Detail);
        }

        private async Task<StandInProcess> StartAsync(params (string Name, string Value)[] settings)
        {
            var environment = settings.ToDictionary(s => s.Name, s => (string?)s.Value);
            environment.TryAdd("FABSTIR_STANDIN_LOAD_MS", "0");
            StandInProcess node = Own(new StandInProcess(environment));
            await node.WaitForLineAsync("Fabstir LLM Node is running", Ready);
            return node;
        }

        private T Own<T>(T disposable)
            where T : IDisposable
        {
            _owned.Add(disposable);
            return disposable;
        }

        private static void WriteState(TempHome home, StandInProcess node)
        {
            Directory.CreateDirectory(home.Paths.NodeDirectory);
            File.WriteAllText(home.Paths.StateFile,
                $"{{\"nodePid\":{node.Id},\"nodeStartTime\":\"{node.Process.StartTime.ToUniversalTime():O}\"," +
                "\"status\":\"Running\",\"restartCount\":0}");
        }
    }
}
