using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Config;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Sets fields of the saved configuration (config.json) of this FabstirHost instance.</para>
    /// <para type="description">Changes only the fields given and keeps every other field of config.json as it was, including fields this version does not know. Paths are made absolute against the current location; the public URL must be an absolute http:// or https:// URL; ports, the log filter, the RPC URL, the chain id and contract addresses are checked; -Environment merges variables for the node into the saved ones (a $null value removes one) and refuses names that look like secrets, since config.json is plain text. Every value is validated before anything is written; a damaged config.json is reported and left untouched; the file is replaced atomically with owner-only permissions. A model or node path that does not exist yet is saved with a warning. Nothing is sent to the chain: to change the URL or models registered on chain, use Set-FabstirHost.</para>
    /// </summary>
    /// <example>
    /// <code>Set-FabstirHostConfig -ModelPath ./models/tinyllama-1b.Q4_K_M.gguf -ApiPort 8080 -PublicUrl 'https://node.example.com'</code>
    /// <para>Saves the model file (as an absolute path), the API port and the public URL the node is reached at.</para>
    /// </example>
    /// <example>
    /// <code>Set-FabstirHostConfig -Environment @{ RUST_BACKTRACE = '1'; CUDA_VISIBLE_DEVICES = '0' } -LogLevel 'info,fabstir_llm_node=debug' -PassThru</code>
    /// <para>Adds two variables to the node's environment, sets its RUST_LOG filter, and returns the saved configuration.</para>
    /// </example>
    /// <example>
    /// <code>Set-FabstirHostConfig -RpcUrl 'https://base-sepolia.example/v2/KEY' -WhatIf</code>
    /// <para>Shows the change to the chain's RPC URL without writing it.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "FabstirHostConfig", SupportsShouldProcess = true)]
    [OutputType(typeof(HostConfig))]
    public sealed class SetFabstirHostConfigCommand : FabstirCmdlet
    {
        /// <summary>
        /// <para type="description">The fabstir-llm-node binary; saved as an absolute path.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? NodePath { get; set; }

        /// <summary>
        /// <para type="description">The GGUF model file the node loads (MODEL_PATH); saved as an absolute path.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ModelPath { get; set; }

        /// <summary>
        /// <para type="description">The port the node's HTTP API listens on (API_PORT).</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int ApiPort { get; set; }

        /// <summary>
        /// <para type="description">The node's first P2P port (P2P_PORT); the node also opens the next TCP port and a UDP port after it. Default when unset: the API port + 1.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, HostConfigRules.MaxP2PPort)]
        public int P2PPort { get; set; }

        /// <summary>
        /// <para type="description">The node's RUST_LOG filter: a level (error, warn, info, debug, trace) or target=level directives separated by commas.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LogLevel { get; set; }

        /// <summary>
        /// <para type="description">The public URL clients reach the node at, e.g. https://node.example.com; the URL registered on chain should be the same.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PublicUrl { get; set; }

        /// <summary>
        /// <para type="description">Environment variables for the node, merged into the saved ones; a $null or empty value removes a variable. Names that look like secrets (containing KEY, SECRET, PASSWORD, TOKEN, PRIVATE, ...) are refused.</para>
        /// </summary>
        [Parameter]
        public Hashtable? Environment { get; set; }

        /// <summary>
        /// <para type="description">The JSON-RPC URL of the chain, saved under chain.rpcUrl.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? RpcUrl { get; set; }

        /// <summary>
        /// <para type="description">The chain id the RPC must serve, saved under chain.chainId.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long ChainId { get; set; }

        /// <summary>
        /// <para type="description">The NodeRegistry (proxy) address.</para>
        /// </summary>
        [Parameter]
        public string? NodeRegistryAddress { get; set; }

        /// <summary>
        /// <para type="description">The ModelRegistry (proxy) address.</para>
        /// </summary>
        [Parameter]
        public string? ModelRegistryAddress { get; set; }

        /// <summary>
        /// <para type="description">The HostEarnings (proxy) address.</para>
        /// </summary>
        [Parameter]
        public string? HostEarningsAddress { get; set; }

        /// <summary>
        /// <para type="description">The JobMarketplace (proxy) address, which the node uses.</para>
        /// </summary>
        [Parameter]
        public string? JobMarketplaceAddress { get; set; }

        /// <summary>
        /// <para type="description">The ProofSystem (proxy) address, which the node uses.</para>
        /// </summary>
        [Parameter]
        public string? ProofSystemAddress { get; set; }

        /// <summary>
        /// <para type="description">The FAB token address.</para>
        /// </summary>
        [Parameter]
        public string? FabTokenAddress { get; set; }

        /// <summary>
        /// <para type="description">The USDC token address.</para>
        /// </summary>
        [Parameter]
        public string? UsdcTokenAddress { get; set; }

        /// <summary>
        /// <para type="description">Returns the configuration as saved.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            HostConfigChanges changes = Invoke(BuildChanges);
            HostConfigEdit edit = Invoke(
                () => HostConfigEditor.Prepare(Paths, changes, new ImmediateLog(this)));
            if (edit.Changes.Count == 0)
            {
                WriteVerbose($"'{Paths.ConfigFile}' already holds these values; nothing was written.");
            }
            else if (ShouldProcess(Paths.ConfigFile, "Set " + string.Join("; ", edit.Changes)))
            {
                Invoke(() =>
                {
                    HostConfigEditor.Save(Paths, edit);
                    return true;
                });
                foreach (string change in edit.Changes)
                {
                    WriteVerbose($"Saved {change} in '{Paths.ConfigFile}'.");
                }
            }
            else
            {
                return;
            }

            if (PassThru.IsPresent)
            {
                WriteObject(edit.Result);
            }
        }

        private HostConfigChanges BuildChanges()
        {
            var changes = new HostConfigChanges
            {
                NodePath = FileSystemPath(NodePath),
                ModelPath = FileSystemPath(ModelPath),
                ApiPort = Given(nameof(ApiPort)) ? ApiPort : (int?)null,
                P2PPort = Given(nameof(P2PPort)) ? P2PPort : (int?)null,
                LogLevel = LogLevel,
                PublicUrl = PublicUrl,
                Environment = EnvironmentChanges(),
                RpcUrl = RpcUrl,
                ChainId = Given(nameof(ChainId)) ? ChainId : (long?)null,
            };
            AddContract(changes, ChainSetting.NodeRegistry,
                CheckAddress(NodeRegistryAddress, nameof(NodeRegistryAddress)));
            AddContract(changes, ChainSetting.ModelRegistry,
                CheckAddress(ModelRegistryAddress, nameof(ModelRegistryAddress)));
            AddContract(changes, ChainSetting.HostEarnings,
                CheckAddress(HostEarningsAddress, nameof(HostEarningsAddress)));
            AddContract(changes, ChainSetting.JobMarketplace,
                CheckAddress(JobMarketplaceAddress, nameof(JobMarketplaceAddress)));
            AddContract(changes, ChainSetting.ProofSystem,
                CheckAddress(ProofSystemAddress, nameof(ProofSystemAddress)));
            AddContract(changes, ChainSetting.FabToken,
                CheckAddress(FabTokenAddress, nameof(FabTokenAddress)));
            AddContract(changes, ChainSetting.UsdcToken,
                CheckAddress(UsdcTokenAddress, nameof(UsdcTokenAddress)));
            return changes;
        }

        private bool Given(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);

        /// <summary>A path relative to PowerShell's current location, which is not the process's.</summary>
        private string? FileSystemPath(string? path)
        {
            return path == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        }

        private IDictionary<string, string?>? EnvironmentChanges()
        {
            if (Environment == null)
            {
                return null;
            }

            var result = new Dictionary<string, string?>();
            foreach (DictionaryEntry entry in Environment)
            {
                string name = LanguagePrimitives.ConvertTo<string>(entry.Key);
                result[name] = entry.Value == null
                    ? null
                    : (string)LanguagePrimitives.ConvertTo(
                        entry.Value, typeof(string), CultureInfo.InvariantCulture);
            }

            return result;
        }

        private static void AddContract(HostConfigChanges changes, ChainSetting setting, string? address)
        {
            if (!string.IsNullOrEmpty(address))
            {
                changes.Contracts[setting] = address!;
            }
        }
    }
}
