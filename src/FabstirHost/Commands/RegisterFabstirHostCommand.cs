using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Numerics;
using System.Security;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.Registration;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Registers this host on the Fabstir marketplace: stakes FAB, publishes the public URL, models and prices, and starts the node.</para>
    /// <para type="description">Checks every input first (the URL is http or https with an explicit port or -Port, no query, fragment or credentials; models are repository:file, duplicates are dropped with a warning), then reads the chain: its chain id, the contracts, whether the host is registered, whether the models are approved, the prices against the registry's own bounds, the FAB balance against MIN_STAKE and the ETH for the gas of every transaction. It then starts the node (unless -NoStart, or it already runs with this model) and proves the public URL answers /health; if it does not, the node it started is stopped, nothing is sent, and the checks that explain the failure are shown. Only then are the transactions sent: the FAB approval if the allowance is short, registerNode, and the prices of every model in both tokens in the functions of the deployed pricing generation. Run again with the same arguments it sends nothing and reports Unchanged; with other arguments it sends only the updates; after a failure half-way it continues from where the chain stands. The key comes from -PrivateKey, FABSTIR_HOST_PRIVATE_KEY, HOST_PRIVATE_KEY or the keystore, and reaches the node only as HOST_PRIVATE_KEY in its environment. Prices default to 5 USDC and 1 000 000 gwei (0.001 ETH) per million tokens.</para>
    /// </summary>
    /// <example>
    /// <code>Register-FabstirHost -Url http://203.0.113.7:8080 -Model 'CohereForAI/TinyVicuna-1B-32k-GGUF:tiny-vicuna-1b.q4_k_m.gguf' -ModelPath ./models/tiny-vicuna-1b.q4_k_m.gguf -WhatIf</code>
    /// <para>Shows every transaction the registration would send, with its arguments, gas and cost, and changes nothing.</para>
    /// </example>
    /// <example>
    /// <code>Register-FabstirHost -Url https://node.example.com/fabstir -Port 8080 -Model $model -ModelPath $file -UsdcPerMillionTokens 2.5 -Metadata @{ location = 'eu-west' } | Test-FabstirEndpoint</code>
    /// <para>Registers a node behind a reverse proxy, which forwards https://node.example.com/fabstir to port 8080, then probes the registered URL.</para>
    /// </example>
    [Cmdlet(
        VerbsLifecycle.Register,
        "FabstirHost",
        SupportsShouldProcess = true,
        ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FabstirHostRegistration))]
    public sealed class RegisterFabstirHostCommand : FabstirTransactionCmdlet
    {
        /// <summary>
        /// <para type="description">The public URL clients use: http or https, with the port unless -Port is given; a path prefix for a reverse proxy is allowed.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("PublicUrl")]
        [ValidateNotNullOrEmpty]
        public string Url { get; set; } = string.Empty;

        /// <summary>
        /// <para type="description">The models to register, as repository:file; each must be approved in the ModelRegistry.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string[] Model { get; set; } = Array.Empty<string>();

        /// <summary>
        /// <para type="description">The GGUF file the node loads; its file name must be one model's file. Default: the configured model path.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ModelPath { get; set; }

        /// <summary>
        /// <para type="description">The node's own API port, when the URL has no port or points at a reverse proxy.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>
        /// <para type="description">The first P2P port (the node also uses the next two). Default: the API port + 1.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 65533)]
        public int P2PPort { get; set; }

        /// <summary>
        /// <para type="description">The price in USDC per million tokens (default 5).</para>
        /// </summary>
        [Parameter]
        public decimal UsdcPerMillionTokens { get; set; }

        /// <summary>
        /// <para type="description">The native (ETH) price in gwei per million tokens (default 1000000, that is 0.001 ETH).</para>
        /// </summary>
        [Parameter]
        public decimal GweiPerMillionTokens { get; set; }

        /// <summary>
        /// <para type="description">The native price in ETH per million tokens, instead of -GweiPerMillionTokens.</para>
        /// </summary>
        [Parameter]
        public decimal EthPerMillionTokens { get; set; }

        /// <summary>
        /// <para type="description">The stable price in the contract's raw units (USDC base units per token x PRICE_PRECISION).</para>
        /// </summary>
        [Parameter]
        public BigInteger RawStablePrice { get; set; }

        /// <summary>
        /// <para type="description">The native price in the contract's raw units (wei per token x PRICE_PRECISION).</para>
        /// </summary>
        [Parameter]
        public BigInteger RawNativePrice { get; set; }

        /// <summary>
        /// <para type="description">Descriptive fields merged into the published metadata, which always carries the host's public key and this machine's os, arch, CPU count and memory. Values are strings, numbers, booleans, or hashtables and arrays of those; a field set to $null is left out; the metadata JSON is at most 4 KiB. Fields that look like secrets are refused.</para>
        /// </summary>
        [Parameter]
        public Hashtable? Metadata { get; set; }

        /// <summary>
        /// <para type="description">Registers without starting the node; an unreachable URL is then only a warning.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter NoStart { get; set; }

        /// <summary>
        /// <para type="description">Registers models the node does not load (another node must answer for them).</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// <para type="description">The fabstir-llm-node binary. Default: the configuration, FABSTIR_NODE_PATH, then the PATH.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? NodePath { get; set; }

        /// <summary>
        /// <para type="description">How long the node may take to be ready, in seconds.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int ReadyTimeoutSec { get; set; } = 600;

        /// <summary>
        /// <para type="description">The host's private key, instead of the environment or the keystore.</para>
        /// </summary>
        [Parameter]
        public SecureString? PrivateKey { get; set; }

        /// <summary>
        /// <para type="description">The password of the keystore.</para>
        /// </summary>
        [Parameter]
        public SecureString? KeystorePassword { get; set; }

        /// <summary>
        /// <para type="description">A file holding the password of the keystore.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KeystorePasswordFile { get; set; }

        protected override void EndProcessing()
        {
            HostConfig? config = Invoke(() => HostConfigStore.Load(Paths));
            RegistrationRequest request = BuildRequest(config);
            ChainProfile profile = ResolveChainProfile();
            KeyRequest keyRequest = CreateKeyRequest(PrivateKey, KeystorePassword, KeystorePasswordFile);
            using (HostKey key = Invoke(() => KeyResolver.Resolve(Paths, keyRequest, new ImmediateLog(this))))
            {
                var registrar = new HostRegistrar(new FabstirChain(profile, Log), Paths, Log);
                RegistrationPlan plan = Run(token => registrar.PlanAsync(request, key, token));
                string caption = $"Register {key.Address} at {plan.Url}";
                if (!ShouldProcess(plan.Describe(), plan.Describe(), caption))
                {
                    return;
                }

                FabstirHostRegistration result = Run(token => registrar.RegisterAsync(plan, key, token));
                WriteObject(result);
            }
        }

        private RegistrationRequest BuildRequest(HostConfig? config)
        {
            string? modelPath = ModelPath ?? config?.ModelPath;
            var options = new NodeLaunchOptions(Paths)
            {
                NodePath = NodePath != null
                    ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(NodePath)
                    : NodePathFromConfig(config),
                ReadyTimeout = TimeSpan.FromSeconds(ReadyTimeoutSec),
            };

            if (config?.Environment != null)
            {
                foreach (KeyValuePair<string, string> pair in config.Environment)
                {
                    options.Environment[pair.Key] = pair.Value;
                }
            }

            return new RegistrationRequest
            {
                PublicUrl = Url,
                Models = Model.SelectMany(m => m.Split(',')).Select(m => m.Trim()).ToList(),
                ModelPath = modelPath == null
                    ? null
                    : SessionState.Path.GetUnresolvedProviderPathFromPSPath(modelPath),
                Port = Bound(nameof(Port)) ? Port : (int?)null,
                P2PPort = Bound(nameof(P2PPort)) ? P2PPort : (int?)null,
                StablePrice = StablePrice(),
                NativePrice = NativePrice(),
                Metadata = ToMetadata(Metadata),
                NoStart = NoStart,
                Force = Force,
                NodeOptions = options,
                Transactions = ReceiptOptions(),
            };
        }

        private PriceSetting? StablePrice()
        {
            RequireOne(nameof(UsdcPerMillionTokens), nameof(RawStablePrice));
            if (Bound(nameof(UsdcPerMillionTokens)))
            {
                return PriceSetting.FromHuman(UsdcPerMillionTokens, PriceUnit.UsdcPerMillionTokens);
            }

            return Bound(nameof(RawStablePrice))
                ? PriceSetting.FromRaw(PriceKind.Stable, RawStablePrice)
                : null;
        }

        private PriceSetting? NativePrice()
        {
            RequireOne(nameof(GweiPerMillionTokens), nameof(EthPerMillionTokens), nameof(RawNativePrice));
            if (Bound(nameof(GweiPerMillionTokens)))
            {
                return PriceSetting.FromHuman(GweiPerMillionTokens, PriceUnit.GweiPerMillionTokens);
            }

            if (Bound(nameof(EthPerMillionTokens)))
            {
                return PriceSetting.FromHuman(EthPerMillionTokens, PriceUnit.EthPerMillionTokens);
            }

            return Bound(nameof(RawNativePrice))
                ? PriceSetting.FromRaw(PriceKind.Native, RawNativePrice)
                : null;
        }

        private void RequireOne(params string[] names)
        {
            string[] given = names.Where(Bound).ToArray();
            if (given.Length > 1)
            {
                ThrowFabstirError(new FabstirException(
                    RegistrationErrors.ConflictingPriceParameters,
                    FabstirErrorCategory.InvalidArgument,
                    $"-{string.Join(" and -", given)} set the same price: give one of them.",
                    given[0]));
            }
        }

        private bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        private static Dictionary<string, object?> ToMetadata(Hashtable? table)
        {
            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (table == null)
            {
                return result;
            }

            foreach (DictionaryEntry entry in table)
            {
                result[Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!] =
                    PlainMetadata.Value(entry.Value);
            }

            return result;
        }

        // FABSTIR_NODE_PATH, when set, wins over the saved path, as for Start-FabstirNode.
        private static string? NodePathFromConfig(HostConfig? config)
        {
            bool environmentSet = !string.IsNullOrWhiteSpace(
                System.Environment.GetEnvironmentVariable(NodeEnvironment.NodePathVariable));
            return environmentSet ? null : config?.NodePath;
        }
    }
}
