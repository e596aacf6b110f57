using System.Management.Automation;
using System.Security;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Config;

namespace FabstirHost
{
    /// <summary>
    /// Base of the cmdlets that talk to the chain: the chain profile parameters every one of them
    /// shares. Values not given fall back to the environment, then config.json, then Base Sepolia.
    /// </summary>
    public abstract class FabstirChainCmdlet : FabstirCmdlet
    {
        /// <summary>
        /// <para type="description">The JSON-RPC URL of the chain. Default: RPC_URL, then config.json, then https://sepolia.base.org.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? RpcUrl { get; set; }

        /// <summary>
        /// <para type="description">The chain id the RPC must serve; checked before anything is sent. Default: FABSTIR_CHAIN_ID, then config.json, then 84532 (Base Sepolia).</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long ChainId { get; set; }

        /// <summary>
        /// <para type="description">The NodeRegistry (proxy) address. Default: CONTRACT_NODE_REGISTRY, then config.json, then Base Sepolia's.</para>
        /// </summary>
        [Parameter]
        public string? NodeRegistryAddress { get; set; }

        /// <summary>
        /// <para type="description">The ModelRegistry (proxy) address. Default: CONTRACT_MODEL_REGISTRY, then config.json, then Base Sepolia's.</para>
        /// </summary>
        [Parameter]
        public string? ModelRegistryAddress { get; set; }

        /// <summary>
        /// <para type="description">The HostEarnings (proxy) address. Default: CONTRACT_HOST_EARNINGS, then config.json, then Base Sepolia's.</para>
        /// </summary>
        [Parameter]
        public string? HostEarningsAddress { get; set; }

        /// <summary>
        /// <para type="description">The FAB token address. Default: FAB_TOKEN, then config.json, then Base Sepolia's.</para>
        /// </summary>
        [Parameter]
        public string? FabTokenAddress { get; set; }

        /// <summary>
        /// <para type="description">The USDC token address. Default: USDC_TOKEN, then config.json, then Base Sepolia's.</para>
        /// </summary>
        [Parameter]
        public string? UsdcTokenAddress { get; set; }

        /// <summary>The profile for this run, from the parameters, the environment and config.json.</summary>
        protected ChainProfile ResolveChainProfile()
        {
            return ResolveChainProfile(Invoke(() => HostConfigStore.Load(Paths))?.Chain);
        }

        /// <summary>
        /// The profile for this run, from the parameters, the environment and the given saved
        /// settings (null: none), for a cmdlet that has read config.json already.
        /// </summary>
        protected ChainProfile ResolveChainProfile(ChainSettings? saved)
        {
            var overrides = new ChainProfileOverrides
            {
                RpcUrl = RpcUrl,
                ChainId = MyInvocation.BoundParameters.ContainsKey(nameof(ChainId)) ? ChainId : (long?)null,
            };
            Add(overrides, ChainSetting.NodeRegistry,
                CheckAddress(NodeRegistryAddress, nameof(NodeRegistryAddress)));
            Add(overrides, ChainSetting.ModelRegistry,
                CheckAddress(ModelRegistryAddress, nameof(ModelRegistryAddress)));
            Add(overrides, ChainSetting.HostEarnings,
                CheckAddress(HostEarningsAddress, nameof(HostEarningsAddress)));
            Add(overrides, ChainSetting.FabToken, CheckAddress(FabTokenAddress, nameof(FabTokenAddress)));
            Add(overrides, ChainSetting.UsdcToken, CheckAddress(UsdcTokenAddress, nameof(UsdcTokenAddress)));
            ChainProfile profile = Invoke(() => ChainProfileResolver.Resolve(
                overrides, saved, null, new ImmediateLog(this)));
            WriteVerbose($"Chain profile: {profile}.");
            return profile;
        }

        /// <summary>A key request with this cmdlet's prompt, for the key resolver.</summary>
        protected KeyRequest CreateKeyRequest(
            SecureString? privateKey,
            SecureString? password,
            string? passwordFile)
        {
            return new KeyRequest
            {
                PrivateKey = privateKey,
                KeystorePassword = password,
                KeystorePasswordFile = passwordFile,
                PromptForPassword = purpose => SecretPrompt.Read(this, purpose),
            };
        }

        private static void Add(ChainProfileOverrides overrides, ChainSetting setting, string? address)
        {
            if (!string.IsNullOrEmpty(address))
            {
                overrides.Contracts[setting] = address!;
            }
        }
    }
}
