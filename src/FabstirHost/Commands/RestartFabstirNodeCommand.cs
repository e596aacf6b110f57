using System;
using System.Management.Automation;
using System.Security;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Stops the node and starts it again with the same settings.</para>
    /// <para type="description">Takes the settings of the last start from the state file (else from the configuration), stops the node as Stop-FabstirNode does, and starts it as Start-FabstirNode does, readiness and /health included. The private key is not stored: it is found again as every command finds it (-PrivateKey, the environment, the keystore).</para>
    /// </summary>
    /// <example>
    /// <code>Restart-FabstirNode</code>
    /// <para>Restarts the node of this instance and returns it once ready.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Restart, "FabstirNode", SupportsShouldProcess = true)]
    [OutputType(typeof(FabstirNode))]
    public sealed class RestartFabstirNodeCommand : FabstirNodeKeyCmdlet
    {
        /// <summary>The node to restart, as Get-FabstirNode returns it.</summary>
        [Parameter(ValueFromPipeline = true)]
        public FabstirNode? InputObject { get; set; }

        /// <summary>Seconds to wait for the node to stop before SIGKILL.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 30;

        /// <summary>How long to wait for readiness after the start, in seconds.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int ReadyTimeoutSec { get; set; } = 600;

        protected override void ProcessRecord()
        {
            FabstirPaths paths = NodeCommandSupport.PathsOf(InputObject, Paths);
            NodeSettings settings = Invoke(() => SettingsOf(paths));
            NodeLaunchOptions options = NodeCommandSupport.FromSettings(paths, settings);
            options.ReadyTimeout = TimeSpan.FromSeconds(ReadyTimeoutSec);
            options.PrivateKey = ResolveNodeKey(paths);
            NodeCommandSupport.AddChainEnvironment(options, Invoke(() => HostConfigStore.Load(paths)));
            if (!ShouldProcess($"fabstir-llm-node of '{paths.Home}' (model '{settings.ModelPath}')", "Restart"))
            {
                return;
            }

            var controller = new NodeController(paths);
            Run(token => controller.StopAsync(TimeSpan.FromSeconds(TimeoutSec), Log, token));
            WriteObject(Run(token => controller.StartAsync(options, Log, token)));
        }

        private static NodeSettings SettingsOf(FabstirPaths paths)
        {
            NodeState? state = NodeStateStore.Load(paths);
            if (state?.Settings != null && !string.IsNullOrEmpty(state.Settings.ModelPath))
            {
                return state.Settings;
            }

            HostConfig? config = HostConfigStore.Load(paths);
            if (config?.ModelPath == null)
            {
                throw NodeCommandSupport.SettingsMissing(paths);
            }

            return new NodeSettings
            {
                NodePath = NodeCommandSupport.NodePathFromConfig(paths, config.NodePath) ?? string.Empty,
                ModelPath = NodeCommandSupport.FromHome(paths, config.ModelPath)!,
                ApiPort = config.ApiPort ?? 8080,
                P2PPort = config.P2PPort ?? (config.ApiPort ?? 8080) + 1,
                LogLevel = config.LogLevel,
                Environment = config.Environment,
            };
        }
    }
}
