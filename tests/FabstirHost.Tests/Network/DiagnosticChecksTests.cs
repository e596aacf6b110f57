using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using FabstirHost.Core.Network;
using FabstirHost.Core.Node;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Network
{
    public sealed class DiagnosticChecksTests : IDisposable
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

        private static Task<FabstirEndpointResult> Probe(Uri url, TimeSpan? timeout = null) =>
            EndpointProbe.ProbeAsync(url, timeout ?? Timeout, CancellationToken.None);

        private static Task<FabstirEndpointResult> Probe(string url, TimeSpan? timeout = null) =>
            Probe(new Uri(url), timeout);
        private static readonly NodeProcessFacts ThisProcessIsTheNode = new(Environment.ProcessId, false);
        private readonly TempHome _home = new();

        public void Dispose() => _home.Dispose();

        [Fact]
        public void An_executable_node_binary_passes()
        {
            string binary = WriteFile("fabstir-llm-node", "#!/bin/sh\n"u8.ToArray());
            File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserExecute);

            FabstirDiagnostic check = DiagnosticChecks.NodeBinary(NodeBinaryLocator.Locate(binary));

            Assert.Equal(DiagnosticStatus.Pass, check.Status);
            Assert.Contains("configuration", check.Detail);
        }

        [Fact]
        public void The_node_binary_check_names_where_the_path_came_from()
        {
            string binary = WriteFile("fabstir-llm-node", "#!/bin/sh\n"u8.ToArray());
            File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserExecute);

            FabstirDiagnostic check = DiagnosticChecks.NodeBinary(
                NodeBinaryLocator.Locate(binary, "the -NodePath parameter"));

            Assert.Equal($"'{binary}' (from the -NodePath parameter) is executable", check.Detail);
        }

        [Fact]
        public void A_node_binary_without_execute_permission_fails_with_chmod()
        {
            string binary = WriteFile("fabstir-llm-node", "#!/bin/sh\n"u8.ToArray());
            File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            FabstirDiagnostic check = DiagnosticChecks.NodeBinary(NodeBinaryLocator.Locate(binary));

            Assert.Equal(DiagnosticStatus.Fail, check.Status);
            Assert.Equal($"chmod +x '{binary}'", check.Remedy);
        }

        [Fact]
        public void A_missing_node_binary_fails()
        {
            string binary = Path.Combine(_home.Path, "nowhere", "fabstir-llm-node");

            FabstirDiagnostic check = DiagnosticChecks.NodeBinary(NodeBinaryLocator.Locate(binary));

            Assert.Equal(DiagnosticStatus.Fail, check.Status);
            Assert.Contains("does not exist", check.Detail);
            Assert.StartsWith("Set-FabstirHostConfig -NodePath", check.Remedy);
        }

        [Fact]
        public void A_gguf_model_passes_with_its_version_and_size()
        {
            string model = WriteFile("tiny.gguf", [.. "GGUF"u8, 3, 0, 0, 0, .. new byte[2040]]);

            FabstirDiagnostic check = DiagnosticChecks.ModelFile(model);

            Assert.Equal(DiagnosticStatus.Pass, check.Status);
            Assert.Contains("GGUF v3, 2 KB", check.Detail);
        }

        [Fact]
        public void A_model_that_is_not_gguf_fails_with_its_first_bytes()
        {
            string model = WriteFile("model.bin", "PK\u0003\u0004rest"u8.ToArray());

            FabstirDiagnostic check = DiagnosticChecks.ModelFile(model);

            Assert.Equal(DiagnosticStatus.Fail, check.Status);
            Assert.Contains("'50 4B 03 04'", check.Detail);
        }

        [Fact]
        public void A_missing_model_fails_and_no_model_is_skipped()
        {
            string gone = Path.Combine(_home.Path, "gone.gguf");

            Assert.Equal(DiagnosticStatus.Fail, DiagnosticChecks.ModelFile(gone).Status);
            Assert.Equal(DiagnosticStatus.Skip, DiagnosticChecks.ModelFile(null).Status);
        }

        [Fact]
        public async Task The_model_hash_is_compared_with_what_the_chain_layer_reports()
        {
            byte[] content = [.. "GGUF"u8, 3, 0, 0, 0, 1, 2, 3];
            string model = WriteFile("m.gguf", content);
            string hash = Convert.ToHexStringLower(SHA256.HashData(content));

            var none = CancellationToken.None;
            var same = await DiagnosticChecks.ModelHashAsync(model, new FixedHashes(hash), none);
            var other = await DiagnosticChecks.ModelHashAsync(model, new FixedHashes(new string('0', 64)), none);
            var unknown = await DiagnosticChecks.ModelHashAsync(model, new FixedHashes(null), none);
            var noChain = await DiagnosticChecks.ModelHashAsync(model, null, none);

            Assert.Equal(DiagnosticStatus.Pass, same.Status);
            Assert.Equal(DiagnosticStatus.Fail, other.Status);
            Assert.Equal(DiagnosticStatus.Warn, unknown.Status);
            Assert.Equal(DiagnosticStatus.Skip, noChain.Status);
        }

        [Fact]
        public void A_running_node_matching_the_state_file_passes_with_uptime_and_restarts()
        {
            using var node = new IdleProcess();
            WriteState($"{{\"nodePid\":{node.Id},\"nodeStartTime\":\"{node.StartTimeUtc:O}\"," +
                "\"restartCount\":2,\"status\":\"Running\"}");

            FabstirDiagnostic check = DiagnosticChecks.NodeProcess(_home.Paths, out NodeProcessFacts facts);

            Assert.Equal(DiagnosticStatus.Pass, check.Status);
            Assert.Contains($"pid {node.Id}", check.Detail);
            Assert.Contains("2 restart(s)", check.Detail);
            Assert.Equal(node.Id, facts.RunningProcessId);
        }

        [Fact]
        public void A_node_that_died_fails_with_start_fabstirnode()
        {
            using var node = new IdleProcess();
            int id = node.Id;
            DateTime started = node.StartTimeUtc;
            node.Kill();
            WriteState($"{{\"nodePid\":{id},\"nodeStartTime\":\"{started:O}\"," +
                "\"status\":\"Running\",\"lastExitCode\":137}");

            FabstirDiagnostic check = DiagnosticChecks.NodeProcess(_home.Paths, out NodeProcessFacts facts);

            Assert.Equal(DiagnosticStatus.Fail, check.Status);
            Assert.True(facts.RecordedButStopped);
            Assert.Contains($"process {id} is not running", check.Detail);
            Assert.Contains("last exit code 137", check.Detail);
            Assert.Equal("Start-FabstirNode", check.Remedy);
        }

        [Fact]
        public void A_reused_process_id_is_not_taken_for_the_node()
        {
            using var other = new IdleProcess();
            WriteState($"{{\"nodePid\":{other.Id},\"nodeStartTime\":\"{other.StartTimeUtc.AddMinutes(-5):O}\"}}");

            FabstirDiagnostic check = DiagnosticChecks.NodeProcess(_home.Paths, out _);

            Assert.Equal(DiagnosticStatus.Fail, check.Status);
            Assert.Contains("reused", check.Detail);
        }

        [Fact]
        public void A_state_file_in_the_node_lifecycle_shape_is_matched_by_start_token()
        {
            using var node = new IdleProcess();
            string? token = ProcessIdentity.StartToken(node.Id);
            WriteState($"{{\"schemaVersion\":1,\"status\":\"Ready\",\"supervisorPid\":1,\"nodePid\":{node.Id}," +
                $"\"nodeStartToken\":\"{token}\",\"nodeStartedAt\":\"{DateTime.UtcNow.AddMinutes(-3):O}\"," +
                "\"restartCount\":1,\"settings\":{\"apiPort\":8080,\"p2pPort\":8081}}");

            FabstirDiagnostic check = DiagnosticChecks.NodeProcess(_home.Paths, out NodeProcessFacts facts);

            Assert.Equal(DiagnosticStatus.Pass, check.Status);
            Assert.Contains("1 restart(s)", check.Detail);
            Assert.Equal(node.Id, facts.RunningProcessId);
        }

        [Fact]
        public void A_start_token_that_differs_means_the_id_was_reused()
        {
            using var other = new IdleProcess();
            WriteState($"{{\"status\":\"Ready\",\"nodePid\":{other.Id},\"nodeStartToken\":\"1\"}}");

            FabstirDiagnostic check = DiagnosticChecks.NodeProcess(_home.Paths, out NodeProcessFacts facts);

            Assert.Equal(DiagnosticStatus.Fail, check.Status);
            Assert.Contains("reused", check.Detail);
            Assert.True(facts.RecordedButStopped);
        }

        [Fact]
        public void No_state_file_is_skipped_and_a_damaged_one_fails()
        {
            Assert.Equal(DiagnosticStatus.Skip, DiagnosticChecks.NodeProcess(_home.Paths, out _).Status);

            WriteState("{ not json");
            FabstirDiagnostic damaged = DiagnosticChecks.NodeProcess(_home.Paths, out _);

            Assert.Equal(DiagnosticStatus.Fail, damaged.Status);
            Assert.Contains(_home.Paths.StateFile, damaged.Detail);
        }

        [Fact]
        public void A_port_listening_on_all_interfaces_passes_and_names_its_process()
        {
            var listener = new TcpListener(IPAddress.Any, 0);
            listener.Start();
            try
            {
                int port = ((IPEndPoint)listener.LocalEndpoint).Port;

                FabstirDiagnostic check = ApiPort(port, ThisProcessIsTheNode);

                Assert.Equal(DiagnosticStatus.Pass, check.Status);
                Assert.Contains($"(pid {Environment.ProcessId}) listens on all interfaces", check.Detail);
            }
            finally
            {
                listener.Stop();
            }
        }

        [Fact]
        public void A_port_on_loopback_only_warns()
        {
            using var silent = new SilentListener(IPAddress.Loopback);

            FabstirDiagnostic check = ApiPort(silent.Port, ThisProcessIsTheNode);

            Assert.Equal(DiagnosticStatus.Warn, check.Status);
            Assert.Contains("127.0.0.1 only", check.Detail);
        }

        [Fact]
        public void A_port_nobody_listens_on_fails()
        {
            int port = FreePort.Tcp();

            FabstirDiagnostic check = ApiPort(port, NodeProcessFacts.Unknown);

            Assert.Equal(DiagnosticStatus.Fail, check.Status);
            Assert.Equal($"nothing listens on {port}/tcp", check.Detail);
        }

        [Fact]
        public void A_p2p_udp_port_taken_by_another_process_fails()
        {
            using var node = new IdleProcess();
            int p2p = FreePort.Range(3);
            using var taken = new UdpClient(new IPEndPoint(IPAddress.Any, p2p + 2));
            var ports = new NodePorts(FreePort.Tcp(), p2p);

            var nodeRuns = new NodeProcessFacts(node.Id, false);

            var checks = DiagnosticChecks.Ports(ports, SocketTable.Read(), nodeRuns).ToList();
            FabstirDiagnostic quic = checks.Single(c => c.Name == $"P2P QUIC port {p2p + 2}/udp");

            Assert.Equal(DiagnosticStatus.Fail, quic.Status);
            Assert.Contains($"held by", quic.Detail);
            Assert.Contains($"pid {Environment.ProcessId}", quic.Detail);
            Assert.Contains("-P2PPort", quic.Remedy);
        }

        [Fact]
        public void The_second_p2p_tcp_port_held_by_another_program_fails()
        {
            using var node = new IdleProcess();
            int p2p = FreePort.Range(3);
            var taken = new TcpListener(IPAddress.Any, p2p + 1);
            taken.Start();
            try
            {
                var nodeRuns = new NodeProcessFacts(node.Id, false);
                var ports = new NodePorts(FreePort.Tcp(), p2p);

                var checks = DiagnosticChecks.Ports(ports, SocketTable.Read(), nodeRuns).ToList();

                FabstirDiagnostic second = checks.Single(c => c.Name == $"P2P port {p2p + 1}/tcp");
                Assert.Equal(DiagnosticStatus.Fail, second.Status);
                Assert.Contains($"{p2p + 1}/tcp is held by", second.Detail);
                Assert.Contains($"not by the node (pid {node.Id})", second.Detail);
                Assert.Contains("-P2PPort", second.Remedy);
                FabstirDiagnostic first = checks.Single(c => c.Name == $"P2P port {p2p}/tcp");
                Assert.Equal($"nothing listens on {p2p}/tcp", first.Detail);
            }
            finally
            {
                taken.Stop();
            }
        }

        [Fact]
        public void A_port_held_by_another_program_when_the_node_is_unknown_warns()
        {
            using var silent = new SilentListener(IPAddress.Any);

            FabstirDiagnostic check = ApiPort(silent.Port, NodeProcessFacts.Unknown);

            Assert.Equal(DiagnosticStatus.Warn, check.Status);
            Assert.Contains("which is not fabstir-llm-node", check.Detail);
        }

        [Fact]
        public void A_p2p_udp_port_bound_by_the_node_passes()
        {
            int p2p = FreePort.Range(3);
            using var bound = new UdpClient(new IPEndPoint(IPAddress.Any, p2p + 2));

            FabstirDiagnostic check = DiagnosticChecks.Port(
                "P2P QUIC port", p2p + 2, "udp", SocketTable.Read(), ThisProcessIsTheNode, null);

            Assert.Equal(DiagnosticStatus.Pass, check.Status);
        }

        [Fact]
        public async Task Local_health_passes_for_a_node_and_fails_for_a_closed_port()
        {
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike());
            var up = await Probe(node.Url);
            var down = await Probe($"http://127.0.0.1:{FreePort.Tcp()}");

            FabstirDiagnostic pass = DiagnosticChecks.LocalHealth(up);
            FabstirDiagnostic fail = DiagnosticChecks.LocalHealth(down);

            Assert.Equal(DiagnosticStatus.Pass, pass.Status);
            Assert.Contains("200 degraded, issues: No P2P node available, version 8.38.0", pass.Detail);
            Assert.Equal(DiagnosticStatus.Fail, fail.Status);
            Assert.Equal("Start-FabstirNode", fail.Remedy);
        }

        [Fact]
        public void The_public_url_passes_when_public_and_warns_when_local()
        {
            var published = DiagnosticChecks.PublicUrl(new Uri("https://node.example.com"));
            var lanOnly = DiagnosticChecks.PublicUrl(new Uri("http://192.168.1.5:8080"));

            Assert.Equal(DiagnosticStatus.Pass, published.Status);
            Assert.Equal(DiagnosticStatus.Warn, lanOnly.Status);
            Assert.Equal(DiagnosticStatus.Skip, DiagnosticChecks.PublicUrl(null).Status);
        }

        [Fact]
        public async Task Public_dns_passes_for_this_machine_and_fails_for_no_such_name()
        {
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike());
            var here = await Probe($"http://localhost:{node.Port}");
            var nowhere = await Probe("https://node.example.invalid");

            FabstirDiagnostic pass = DiagnosticChecks.PublicAddress(here, UrlRules.LocalAddresses());
            FabstirDiagnostic fail = DiagnosticChecks.PublicAddress(nowhere, UrlRules.LocalAddresses());

            Assert.Equal(DiagnosticStatus.Pass, pass.Status);
            Assert.Contains("this machine", pass.Detail);
            Assert.Equal(DiagnosticStatus.Fail, fail.Status);
            Assert.Contains("nslookup node.example.invalid", fail.Remedy);
        }

        [Fact]
        public void Public_dns_pointing_elsewhere_warns_about_nat()
        {
            // Built directly: probing an address that is not this machine would send traffic to it.
            var result = new FabstirEndpointResult(new Uri("https://node.example.com"))
            {
                Addresses = [IPAddress.Parse("198.51.100.7")],
            };

            FabstirDiagnostic check = DiagnosticChecks.PublicAddress(result, UrlRules.LocalAddresses());

            Assert.Equal(DiagnosticStatus.Warn, check.Status);
            Assert.Contains("NAT", check.Detail);
            Assert.Contains("Forward TCP 443", check.Remedy);
        }

        [Fact]
        public async Task Public_reachability_passes_for_a_node_and_fails_for_a_silent_port()
        {
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike());
            using var silent = new SilentListener();
            var up = await Probe(node.Url);
            var hung = await Probe(silent.Url, TimeSpan.FromMilliseconds(300));

            Assert.Equal(DiagnosticStatus.Pass, DiagnosticChecks.PublicReachable(up, 8080).Status);
            FabstirDiagnostic fail = DiagnosticChecks.PublicReachable(hung, 8080);
            Assert.Equal(DiagnosticStatus.Fail, fail.Status);
            Assert.Contains("no HTTP answer", fail.Detail);
            Assert.NotNull(fail.Remedy);
        }

        [Fact]
        public async Task The_same_node_passes_and_another_node_fails()
        {
            using var mine = LoopbackResponder.Http(LoopbackResponder.NodeLike("alpha"), IPAddress.Any);
            var secondLoopback = IPAddress.Parse("127.0.0.2");
            using var other = LoopbackResponder.Http(LoopbackResponder.NodeLike("beta"), secondLoopback);
            var local = await Probe($"http://127.0.0.1:{mine.Port}");
            var viaName = await Probe($"http://localhost:{mine.Port}");
            var wrong = await Probe(other.Url);

            FabstirDiagnostic pass = DiagnosticChecks.SameNode(local, viaName);
            FabstirDiagnostic fail = DiagnosticChecks.SameNode(local, wrong);

            Assert.Equal(DiagnosticStatus.Pass, pass.Status);
            Assert.Equal(DiagnosticStatus.Fail, fail.Status);
            Assert.Contains("the URL reaches another node", fail.Detail);
        }

        [Fact]
        public async Task Nodes_without_a_name_are_compared_by_their_whole_version_report()
        {
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike());
            var one = await Probe(node.Url);
            var two = await Probe($"http://localhost:{node.Port}");

            FabstirDiagnostic check = DiagnosticChecks.SameNode(one, two);

            Assert.Equal(DiagnosticStatus.Pass, check.Status);
            Assert.Contains("cannot be ruled out", check.Detail);
        }

        private static FabstirDiagnostic ApiPort(int port, NodeProcessFacts node) =>
            DiagnosticChecks.Port("API port", port, "tcp", SocketTable.Read(), node, null);

        private string WriteFile(string name, byte[] content)
        {
            string path = Path.Combine(_home.Path, name);
            File.WriteAllBytes(path, content);
            return path;
        }

        private void WriteState(string json)
        {
            Directory.CreateDirectory(_home.Paths.NodeDirectory);
            File.WriteAllText(_home.Paths.StateFile, json);
        }

        /// <summary>Stands where the chain layer will plug in: the hash it would read from the chain.</summary>
        private sealed class FixedHashes(string? hash) : IModelHashSource
        {
            public Task<string?> ExpectedSha256Async(string modelPath, CancellationToken cancellationToken) =>
                Task.FromResult(hash);
        }
    }
}
