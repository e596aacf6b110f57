using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Starts fabstir-llm-node under a detached supervisor and waits until it is ready.</para>
    /// <para type="description">Checks the binary, the GGUF model file and the API and P2P ports (P, P+1 over TCP and P+2 over UDP), then starts the node with its environment built from the parameters and the saved configuration. The node runs under a supervisor process that outlives this session, logs both output streams to node/logs, restarts the node after a crash and keeps node/state.json current. The command returns once the node has printed its four readiness markers and its local /health answers; an early exit, a model that failed to load or the deadline fail at once and leave nothing running. With no parameters it starts the node the configuration describes; successful starts save the settings used.</para>
    /// </summary>
    /// <example>
    /// <code>Start-FabstirNode -ModelPath ./models/tiny-vicuna-1b.q4_k_m.gguf -Port 8080 -NodePath /opt/fabstir/fabstir-llm-node</code>
    /// <para>Starts the node on port 8080 (P2P on 8081-8083) and saves these settings.</para>
    /// </example>
    /// <example>
    /// <code>Start-FabstirNode -Wait</code>
    /// <para>Starts the configured node and stays in the foreground until it stops; Ctrl+C stops the node.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Start, "FabstirNode", SupportsShouldProcess = true)]
    [OutputType(typeof(FabstirNode))]
    public sealed class StartFabstirNodeCommand : FabstirNodeKeyCmdlet
    {
        private static readonly TimeSpan StopOnExitTimeout = TimeSpan.FromSeconds(10);

        /// <summary>The GGUF model file; a relative path is made absolute. Defaults to the configured model.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? ModelPath { get; set; }

        /// <summary>The node's API port (API_PORT). Defaults to the configured port, else 8080.</summary>
        [Parameter]
        [Alias("ApiPort")]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>The first P2P port (P2P_PORT); the node also uses the next two. Defaults to Port + 1.</summary>
        [Parameter]
        [ValidateRange(1, 65533)]
        public int P2PPort { get; set; }

        /// <summary>The fabstir-llm-node binary. Defaults to this instance's configuration, then FABSTIR_NODE_PATH, then the PATH.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? NodePath { get; set; }

        /// <summary>Extra environment variables for the node; they win over the module's defaults (RUST_LOG over -LogLevel too). MODEL_PATH, API_PORT, P2P_PORT and HOST_PRIVATE_KEY are refused: give them with -ModelPath, -Port, -P2PPort and the key sources. No secrets.</summary>
        [Parameter]
        public Hashtable? Environment { get; set; }

        /// <summary>The node's log filter (RUST_LOG), e.g. info, debug or fabstir_llm_node=debug.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LogLevel { get; set; }

        /// <summary>How long to wait for readiness, in seconds. Large models take minutes to load.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int ReadyTimeoutSec { get; set; } = 600;

        /// <summary>Crashes in a row after which the supervisor stops restarting the node.</summary>
        [Parameter]
        [ValidateRange(0, 1000)]
        public int MaxRestarts { get; set; } = 5;

        /// <summary>The first delay before a restart, in seconds; it doubles with each crash in a row.</summary>
        [Parameter]
        [ValidateRange(0.01, 3600)]
        public double RestartDelaySec { get; set; } = 1;

        /// <summary>Stays in the foreground until the node stops; Ctrl+C (or SIGTERM) stops the node.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        protected override void EndProcessing()
        {
            HostConfig? config = Invoke(() => HostConfigStore.Load(Paths));
            NodeLaunchOptions options = BuildOptions(config);
            string target = $"fabstir-llm-node with model '{options.ModelPath}' on port {options.ApiPort}";
            if (!ShouldProcess(target, "Start"))
            {
                return;
            }

            var controller = new NodeController(Paths);
            FabstirNode node = Run(token => controller.StartAsync(options, Log, token));
            SaveSettings(node, options);
            WriteObject(node);
            if (Wait)
            {
                WaitForExit(controller);
            }
        }

        private NodeLaunchOptions BuildOptions(HostConfig? config)
        {
            // A path typed into config.json by hand is relative to the home folder, never to
            // wherever the shell happens to be when the node is started after a reboot.
            string? modelPath = ModelPath ?? NodeCommandSupport.FromHome(Paths, config?.ModelPath);
            if (string.IsNullOrWhiteSpace(modelPath))
            {
                ThrowFabstirError(NodeCommandSupport.SettingsMissing(Paths));
            }

            bool portGiven = MyInvocation.BoundParameters.ContainsKey(nameof(Port));
            int apiPort = portGiven ? Port : config?.ApiPort ?? 8080;
            int? p2pPort = MyInvocation.BoundParameters.ContainsKey(nameof(P2PPort))
                ? P2PPort
                : portGiven ? null : config?.P2PPort;
            var options = new NodeLaunchOptions(Paths)
            {
                NodePath = NodeCommandSupport.NodePathFromConfig(Paths, config?.NodePath),
                ModelPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(modelPath),
                ApiPort = apiPort,
                P2PPort = p2pPort,
                LogLevel = LogLevel ?? config?.LogLevel,
                ReadyTimeout = TimeSpan.FromSeconds(ReadyTimeoutSec),
                MaxRestarts = MaxRestarts,
                RestartDelay = TimeSpan.FromSeconds(RestartDelaySec),
                PrivateKey = ResolveNodeKey(Paths),
            };
            if (NodePath != null)
            {
                options.NodePath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(NodePath);
            }

            if (config?.Environment != null)
            {
                foreach (KeyValuePair<string, string> pair in config.Environment)
                {
                    options.Environment[pair.Key] = pair.Value;
                }
            }

            foreach (KeyValuePair<string, string> pair in NodeCommandSupport.ToDictionary(Environment))
            {
                options.Environment[pair.Key] = pair.Value;
            }

            NodeCommandSupport.AddChainEnvironment(options, config);
            return options;
        }

        private void SaveSettings(FabstirNode node, NodeLaunchOptions options)
        {
            var settings = new NodeSettings
            {
                NodePath = node.NodePath ?? string.Empty,
                ModelPath = node.ModelPath ?? options.ModelPath,
                ApiPort = options.ApiPort,
                P2PPort = options.EffectiveP2PPort,
                LogLevel = options.LogLevel,
                Environment = options.Environment.Count == 0
                    ? null
                    : new Dictionary<string, string>(options.Environment),
            };
            Invoke(() =>
            {
                NodeConfigWriter.Save(Paths, settings);
                return true;
            });
            WriteVerbose($"Saved the node settings in '{Paths.ConfigFile}'.");
        }

        private void WaitForExit(NodeController controller)
        {
            using (var terminated = new CancellationTokenSource())
            using (TerminationSignal.Register(() => terminated.Cancel()))
            {
                WriteVerbose("Waiting in the foreground until the node stops; Ctrl+C or SIGTERM stops it.");
                Run(async token =>
                {
                    using (var either = CancellationTokenSource.CreateLinkedTokenSource(token, terminated.Token))
                    {
                        try
                        {
                            await WatchUntilStoppedAsync(controller, either.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            await controller.StopAsync(StopOnExitTimeout, Log, CancellationToken.None)
                                .ConfigureAwait(false);
                            if (token.IsCancellationRequested)
                            {
                                throw;
                            }

                            Log.Verbose("SIGTERM received: the node was stopped.");
                        }
                    }
                });
            }
        }

        private static async Task WatchUntilStoppedAsync(NodeController controller, CancellationToken token)
        {
            while (true)
            {
                FabstirNode node = await controller.GetAsync(probe: false, token).ConfigureAwait(false);
                bool over = node.Status == NodeStatus.Stopped || node.Status == NodeStatus.CrashLoop
                    || node.Status == NodeStatus.Stale;
                if (over)
                {
                    return;
                }

                await Task.Delay(250, token).ConfigureAwait(false);
            }
        }
    }
}
