using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Config;
using FabstirHost.Core.Network;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Checks everything a Fabstir host needs and says how to fix what is wrong.</para>
    /// <para type="description">Returns an ordered list of checks (FabstirDiagnostic: Name, Area, Status Pass, Warn, Fail or Skip, Detail, Remedy): the node binary, the model file, the node process against its state file, the API and P2P ports (who listens, on which interfaces), the local /health, the public URL (DNS, reachability, whether it reaches this same node: the same /v1/version report and, when the URL leads to this machine, the same listening process), the host firewall, and the chain. Values come from the saved configuration unless given as parameters; a damaged config.json is the first check (area Config, Fail, with the command that moves it aside), and the other checks go on with the parameters and the built-in defaults, skipping what only the configuration could say (without -RpcUrl, the chain). A config.json written by a newer module (a higher schemaVersion) counts as damaged. A value in a readable config.json that cannot be used (a port out of range, a URL or address that is not one) is its own Config Fail check naming the field, its value and the command that sets it; the other checks go on with the valid values, the parameters and the defaults. Remedies are the commands to run; nothing is run or changed. 'Get-FabstirDiagnostics | Where-Object Status -eq Fail' lists the problems; -Quiet returns only $true or $false.</para>
    /// <para type="description">The chain checks (area Chain) read, never send, on the chain profile (the -RpcUrl, -ChainId and contract address parameters, then the environment, config.json, Base Sepolia) for the host's address (-Address, else HostAddress of the configuration, else the host key's address; the keystore needs no password for it): RPC reachable and its latency; the chain id the RPC serves; contract code at the NodeRegistry, ModelRegistry, HostEarnings, FAB and USDC addresses; the host registered and active; the registered URL equal to the configured public URL (else 'Set-FabstirHost -Url ...'); the model file the node loads (found by its file name in the ModelRegistry) among the host's registered models; prices set (phase 18 registries: every model priced in the native coin and in USDC, since there is no node-wide price; legacy registries: the node-wide prices always apply, per-model prices are optional); and ETH for five transactions at current fees. The model file's SHA-256 is compared with the ModelRegistry's. When the RPC cannot be reached or serves another chain, the checks after it are Skip with that reason; without any host address all chain checks are Skip. Each RPC request is limited by -TimeoutSec.</para>
    /// </summary>
    /// <example>
    /// <code>Get-FabstirDiagnostics</code>
    /// <para>Checks the host described by the saved configuration and shows each check's status, area, name and detail.</para>
    /// </example>
    /// <example>
    /// <code>Get-FabstirDiagnostics | Where-Object Status -eq Fail | Format-List Name, Detail, Remedy</code>
    /// <para>Shows only what failed, with the command that fixes each problem.</para>
    /// </example>
    /// <example>
    /// <code>Get-FabstirDiagnostics | Where-Object Area -eq Chain | Format-Table Status, Name, Detail, Remedy -Wrap</code>
    /// <para>Shows only the chain checks: RPC, chain id, contract code, registration, on-chain URL, registered model, prices and ETH for gas, each with its fix.</para>
    /// </example>
    /// <example>
    /// <code>Get-FabstirDiagnostics -Address 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 -RpcUrl http://127.0.0.1:8545</code>
    /// <para>Checks another host's registration on a local chain; no key is involved.</para>
    /// </example>
    /// <example>
    /// <code>if (-not (Get-FabstirDiagnostics -Quiet)) { throw 'The Fabstir host is not healthy.' }</code>
    /// <para>Stops a runbook when any check fails.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "FabstirDiagnostics")]
    [OutputType(typeof(FabstirDiagnostic), typeof(bool))]
    public sealed class GetFabstirDiagnosticsCommand : FabstirChainCmdlet
    {
        /// <summary>
        /// <para type="description">The public URL of the node. Default: PublicUrl of the configuration.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("PublicUrl")]
        public string? Url { get; set; }

        /// <summary>
        /// <para type="description">The node's API port on this machine. Default: ApiPort of the configuration, else 8080.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int ApiPort { get; set; }

        /// <summary>
        /// <para type="description">The node's first P2P port (it also uses the next TCP port and the UDP port after). Default: P2PPort of the configuration, else the API port + 1.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 65533)]
        public int P2PPort { get; set; }

        /// <summary>
        /// <para type="description">The GGUF model file. Default: ModelPath of the configuration.</para>
        /// </summary>
        [Parameter]
        public string? ModelPath { get; set; }

        /// <summary>
        /// <para type="description">The node binary. Default: NodePath of the configuration, then FABSTIR_NODE_PATH, then PATH.</para>
        /// </summary>
        [Parameter]
        public string? NodePath { get; set; }

        /// <summary>
        /// <para type="description">Seconds allowed for each HTTP probe and each RPC request of the chain checks. Default 5.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 5;

        /// <summary>
        /// <para type="description">The host's address, for the chain checks. Default: HostAddress of the configuration, then the address of the host key (FABSTIR_HOST_PRIVATE_KEY, HOST_PRIVATE_KEY, or the keystore's address field; no password is needed). Without any, the chain checks are skipped.</para>
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Address { get; set; }

        /// <summary>
        /// <para type="description">Returns $true when no check failed, $false otherwise, instead of the checks.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void ProcessRecord()
        {
            DiagnosticsOptions options = Invoke(BuildOptions);
            WriteVerbose($"Diagnosing the host in '{Paths.Home}': API port {options.ApiPort}, P2P port " +
                $"{options.Ports.P2PPort}, public URL {Redacted(options.PublicUrl)}.");
            IReadOnlyList<FabstirDiagnostic> checks = Run(
                token => HostDiagnostics.RunAsync(options, Log, token));
            if (Quiet.IsPresent)
            {
                WriteObject(checks.All(check => check.Status != DiagnosticStatus.Fail));
                return;
            }

            WriteObject(checks, enumerateCollection: true);
        }

        private static string Redacted(Uri? url) => url == null ? "(none)" : UrlRules.Redact(url);

        private DiagnosticsOptions BuildOptions()
        {
            // Checked first, so a bad address is refused whether or not the chain checks can run.
            string? address = CheckAddress(Address, nameof(Address));
            DiagnosticsOptions options = DiagnosticsOptions.FromHome(Paths, Url);
            if (options.ConfigDamage != null)
            {
                WriteVerbose($"Going on without the configuration: {options.ConfigDamage}");
            }

            options.Timeout = TimeSpan.FromSeconds(TimeoutSec);

            if (MyInvocation.BoundParameters.ContainsKey(nameof(ApiPort)))
            {
                options.ApiPort = ApiPort;
            }

            if (MyInvocation.BoundParameters.ContainsKey(nameof(P2PPort)))
            {
                options.P2PPort = P2PPort;
            }

            options.ModelPath = ModelPath ?? options.ModelPath;
            if (NodePath != null)
            {
                options.NodePath = NodePath;
                options.NodePathSource = "the -NodePath parameter";
            }

            AddChainChecks(options, address);
            return options;
        }

        /// <summary>
        /// Plugs in the chain checks when the host's address is known; each RPC request gets the
        /// same limit as an HTTP probe. With config.json damaged, the chain it names is unknown:
        /// only an RPC URL given as a parameter says which chain to check.
        /// </summary>
        private void AddChainChecks(DiagnosticsOptions options, string? givenAddress)
        {
            HostConfig? config = options.Config;
            if (options.ConfigDamage != null && RpcUrl == null)
            {
                options.ChainSkipReason = "config.json is damaged, so the configured chain is unknown: " +
                    "give -RpcUrl (with -ChainId and the contract addresses for a chain other than Base " +
                    "Sepolia)";
                return;
            }

            if (options.ConfigChainUnusable && RpcUrl == null)
            {
                options.ChainSkipReason = "config.json's chain settings cannot be used (see the Config " +
                    "checks), so the configured chain is unknown: give -RpcUrl (with -ChainId and the " +
                    "contract addresses for a chain other than Base Sepolia)";
                return;
            }

            string? address = givenAddress ?? config?.HostAddress ??
                KeyResolver.ResolveAddress(Paths, CreateKeyRequest(null, null, null));
            if (string.IsNullOrEmpty(address))
            {
                options.ChainSkipReason = "no host address: give -Address, or create the host key with " +
                    "New-FabstirWallet or Import-FabstirWallet";
                return;
            }

            ChainProfile profile = ResolveChainProfile(config?.Chain);
            WriteVerbose($"Chain checks for {address} on {profile}.");
            var chain = new FabstirChain(profile, Log, options.Timeout);
            var checks = new ChainHealthChecks(chain, address!, config?.Models);
            options.Chain = checks;
            options.ModelHashes = checks;
        }
    }
}
