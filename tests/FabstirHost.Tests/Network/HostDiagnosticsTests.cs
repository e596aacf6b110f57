using System.Net;
using FabstirHost.Core;
using FabstirHost.Core.Config;
using FabstirHost.Core.Network;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Network
{
    public sealed class HostDiagnosticsTests : IDisposable
    {
        private readonly TempHome _home = new();

        public void Dispose() => _home.Dispose();

        [Fact]
        public async Task A_whole_run_lists_every_area_in_order()
        {
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike("alpha"), IPAddress.Any);
            var config = new HostConfig { ApiPort = node.Port, PublicUrl = $"http://localhost:{node.Port}" };
            DiagnosticsOptions options = DiagnosticsOptions.FromConfig(_home.Paths, config);
            options.Timeout = TimeSpan.FromSeconds(2);

            var checks = await RunAsync(options);

            Assert.Equal(
                new[] { "Node", "Model", "Process", "Ports", "Local", "Public", "Firewall", "Chain" },
                checks.Select(c => c.Area).Distinct());
            // No state file, and the listener is this test process, not a node binary: suspicious.
            FabstirDiagnostic api = Find(checks, $"API port {node.Port}/tcp");
            Assert.Equal(DiagnosticStatus.Warn, api.Status);
            Assert.Contains("which is not fabstir-llm-node", api.Detail);
            Assert.Equal(DiagnosticStatus.Fail, Find(checks, $"P2P port {node.Port + 1}/tcp").Status);
            Assert.Equal(DiagnosticStatus.Pass, Find(checks, "Local health").Status);
            Assert.Equal(DiagnosticStatus.Warn, Find(checks, "Public URL").Status);
            Assert.Equal(DiagnosticStatus.Pass, Find(checks, "Public DNS").Status);
            Assert.Equal(DiagnosticStatus.Pass, Find(checks, "Public reachability").Status);
            Assert.Equal(DiagnosticStatus.Pass, Find(checks, "Same node").Status);
            Assert.All(checks.Where(c => c.Area == DiagnosticArea.Chain), c =>
            {
                Assert.Equal(DiagnosticStatus.Skip, c.Status);
                Assert.Equal("chain checks need a chain profile", c.Detail);
            });
        }

        [Fact]
        public async Task A_password_in_the_public_url_is_in_no_check_or_log_line()
        {
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike("alpha"));
            var config = new HostConfig
            {
                ApiPort = node.Port,
                PublicUrl = $"http://operator:s3cret@localhost:{node.Port}/",
            };
            DiagnosticsOptions options = DiagnosticsOptions.FromConfig(_home.Paths, config);
            options.Timeout = TimeSpan.FromSeconds(2);
            var log = new CollectingLog();

            var checks = await HostDiagnostics.RunAsync(options, log, CancellationToken.None);

            Assert.Contains($"http://…@localhost:{node.Port}/", Find(checks, "Public URL").Detail);
            Assert.Equal(DiagnosticStatus.Pass, Find(checks, "Public reachability").Status);
            Assert.All(checks, c => Assert.DoesNotContain("s3cret", c.Detail + c.Remedy));
            Assert.DoesNotContain("s3cret", log.All);
        }

        [Fact]
        public async Task A_damaged_config_file_fails_first_and_the_other_checks_go_on()
        {
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike());
            string path = _home.Paths.ConfigFile;
            const string damaged = "{ \"apiPort\": \"eighty\", broken";
            File.WriteAllText(path, damaged);

            DiagnosticsOptions options = DiagnosticsOptions.FromHome(_home.Paths);
            options.ApiPort = node.Port;
            options.Timeout = TimeSpan.FromSeconds(2);
            var checks = await RunAsync(options);

            FabstirDiagnostic config = checks[0];
            Assert.Equal((DiagnosticArea.Config, "Configuration file", DiagnosticStatus.Fail),
                (config.Area, config.Name, config.Status));
            Assert.Contains($"The file '{path}' is damaged", config.Detail);
            Assert.Equal($"Move-Item '{path}' '{path}.damaged'", config.Remedy);
            Assert.Equal(DiagnosticStatus.Pass, Find(checks, "Local health").Status);
            Assert.Equal(DiagnosticStatus.Skip, Find(checks, "Model file").Status);
            Assert.StartsWith("config.json is damaged", Find(checks, "Model file").Detail);
            Assert.StartsWith("config.json is damaged", Find(checks, "Public URL").Detail);
            Assert.Equal(damaged, File.ReadAllText(path));
        }

        [Fact]
        public async Task A_chain_layer_plugs_its_checks_in()
        {
            var config = new HostConfig { ApiPort = FreePort.Tcp() };
            DiagnosticsOptions options = DiagnosticsOptions.FromConfig(_home.Paths, config);
            options.Timeout = TimeSpan.FromMilliseconds(500);
            options.Chain = new OneChainCheck();

            var checks = await RunAsync(options);

            FabstirDiagnostic chain = Assert.Single(checks, c => c.Area == DiagnosticArea.Chain);
            Assert.Equal("RPC reachable", chain.Name);
        }

        [Fact]
        public void The_p2p_port_defaults_to_the_api_port_plus_one()
        {
            var options = DiagnosticsOptions.FromConfig(_home.Paths, new HostConfig { ApiPort = 9100 });

            Assert.Equal(9101, options.Ports.P2PPort);
            Assert.Equal(8080, DiagnosticsOptions.FromConfig(_home.Paths, null).ApiPort);
        }

        private static Task<IReadOnlyList<FabstirDiagnostic>> RunAsync(DiagnosticsOptions options) =>
            HostDiagnostics.RunAsync(options, NullOperationLog.Instance, CancellationToken.None);

        private static FabstirDiagnostic Find(IEnumerable<FabstirDiagnostic> checks, string name) =>
            checks.Single(c => c.Name == name);

        /// <summary>Where the chain layer will plug in; here, one check it would report.</summary>
        private sealed class OneChainCheck : IChainDiagnostics
        {
            public Task<IReadOnlyList<FabstirDiagnostic>> CheckAsync(
                ChainDiagnosticsContext context,
                CancellationToken cancellationToken)
            {
                var rpc = FabstirDiagnostic.Pass(DiagnosticArea.Chain, "RPC reachable", "chain 84532");
                return Task.FromResult<IReadOnlyList<FabstirDiagnostic>>([rpc]);
            }
        }
    }
}
