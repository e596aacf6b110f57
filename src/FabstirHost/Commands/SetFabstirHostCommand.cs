using System.Collections;
using System.Linq;
using System.Management.Automation;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes the registered host's URL, models or metadata on chain.</para>
    /// <para type="description">Only what differs from the chain is sent. A new -Url is probed first (its /health must answer); when it does not, the relevant troubleshooting is shown and nothing is sent. -Model replaces the advertised list: each repo:file must be approved by the ModelRegistry, duplicates are dropped with a warning, and the model the node loads must stay in the list unless -Force. In the phase 18 pricing generation, newly added models are priced in the same run at the host's registration prices (native and USDC), since a model without a price cannot be sold. -Metadata is merged into the JSON on chain, so publicKey and other fields survive, and a field set to $null is removed; -Replace replaces every field with those of -Metadata (which it needs) but keeps the publicKey, which always comes from the host key. Fields that look like secrets (names such as privateKey, secret, password, mnemonic, seed, apiKey, at any depth, or a value shaped like a private key) are refused, as in Register-FabstirHost: metadata is public. publicKey comes from the host key and cannot be given. config.json follows the chain. Under -WhatIf the plan is shown with gas estimates.</para>
    /// </summary>
    /// <example>
    /// <code>Set-FabstirHost -Url https://node.example.com:8443</code>
    /// <para>Checks that the new URL answers, then advertises it.</para>
    /// </example>
    /// <example>
    /// <code>Set-FabstirHost -Metadata @{ hardware = 'RTX 4090'; location = 'eu-west' } -WhatIf</code>
    /// <para>Shows the merged metadata that would be sent, and its gas cost.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "FabstirHost", SupportsShouldProcess = true)]
    [OutputType(typeof(FabstirHostUpdate))]
    public sealed class SetFabstirHostCommand : FabstirHostChangeCmdlet
    {
        /// <summary>
        /// <para type="description">The new public URL of the node; probed before it is advertised.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Url { get; set; }

        /// <summary>
        /// <para type="description">The complete new list of models, as repo:file.</para>
        /// </summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? Model { get; set; }

        /// <summary>
        /// <para type="description">Metadata fields to merge into the JSON on chain (strings, numbers, booleans, and nested hashtables and arrays of those); a field set to $null is removed. The metadata JSON is at most 4 KiB.</para>
        /// </summary>
        [Parameter]
        public Hashtable? Metadata { get; set; }

        /// <summary>
        /// <para type="description">Replaces the metadata fields on chain with those of -Metadata instead of merging; the publicKey is always kept. Needs -Metadata.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Replace { get; set; }

        /// <summary>
        /// <para type="description">Allows a model list without the model the node loads.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// <para type="description">Seconds to wait for the new URL to answer.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 300)]
        public int ProbeTimeoutSec { get; set; } = 10;

        protected override void EndProcessing()
        {
            HostContext host = CreateHostContext();

            // The ports of the node here: the last one started, else the configured ones.
            NodeSettings? started = Invoke(() => NodeStateStore.Load(Paths))?.Settings;
            HostConfig? config = Invoke(() => HostConfigStore.Load(Paths));
            int? apiPort = started?.ApiPort > 0 ? started.ApiPort : config?.ApiPort;
            int? p2pPort = started?.P2PPort > 0 ? started.P2PPort : config?.P2PPort ?? apiPort + 1;
            var request = new HostUpdateRequest
            {
                Url = Url,
                Models = Model,
                Metadata = Metadata == null ? null : PlainMetadata.From(Metadata),
                ReplaceMetadata = Replace,
                Force = Force,
                LoadedModelFile = LoadedModelFile(),
                ApiPort = apiPort,
                P2PPort = p2pPort,
                ProbeTimeout = System.TimeSpan.FromSeconds(ProbeTimeoutSec),
            };
            HostTransactionPlan plan = Run(token => HostUpdater.PlanAsync(host, request, Log, token));
            SendHostUpdate(host, plan, update => RecordInConfig(
                host.Address,
                url: Url == null ? null : update.Host?.ApiUrl,
                models: Model == null ? null : update.Host?.Models.Select(m => m.Spec).ToList(),
                registered: true));
        }
    }

    /// <summary>
    /// Turns a PowerShell hashtable into plain .NET values (no PSObject wrappers); what is not a
    /// dictionary, list or text is left for the core to accept or refuse.
    /// </summary>
    internal static class PlainMetadata
    {
        public static Hashtable From(IDictionary dictionary) => From(dictionary, 1);

        /// <summary>One value, unwrapped at every depth.</summary>
        public static object? Value(object? value) => Value(value, 1);

        private static Hashtable From(IDictionary dictionary, int depth)
        {
            var plain = new Hashtable();
            foreach (DictionaryEntry entry in dictionary)
            {
                plain[Unwrap(entry.Key)!] = Value(entry.Value, depth + 1);
            }

            return plain;
        }

        private static object? Value(object? value, int depth)
        {
            value = Unwrap(value);

            // A table that holds itself is passed on as it is, and the core refuses its depth.
            if (depth > Core.Chain.MetadataRules.MaxDepth)
            {
                return value;
            }

            switch (value)
            {
                case IDictionary nested:
                    return From(nested, depth);
                case string text:
                    return text;
                case IEnumerable items:
                    return items.Cast<object?>().Select(item => Value(item, depth + 1)).ToList();
                default:
                    return value;
            }
        }

        private static object? Unwrap(object? value) =>
            value is PSObject wrapped ? wrapped.BaseObject : value;
    }
}
