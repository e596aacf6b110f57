using System.Management.Automation;
using System.Security;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Core.Config;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets a host's earnings waiting in HostEarnings, per token.</para>
    /// <para type="description">One object per token, with the amount in whole tokens (Amount) and base units (RawAmount). Without -Address, the host of the key is read (not unlocked). Default tokens: the native coin and USDC.</para>
    /// </summary>
    /// <example>
    /// <code>Get-FabstirEarnings</code>
    /// <para>Shows this host's ETH and USDC earnings.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "FabstirEarnings")]
    [OutputType(typeof(FabstirEarnings))]
    public sealed class GetFabstirEarningsCommand : FabstirChainCmdlet
    {
        private ChainProfile? _profile;

        /// <summary>
        /// <para type="description">The host address; accepts strings and the Address or HostAddress property of piped objects.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("HostAddress")]
        public string? Address { get; set; }

        /// <summary>
        /// <para type="description">The tokens to read: Native (or ETH), USDC, or token addresses.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Token { get; set; } = { "Native", "USDC" };

        /// <summary>
        /// <para type="description">A host private key whose earnings to read, instead of the environment or keystore.</para>
        /// </summary>
        [Parameter]
        public SecureString? PrivateKey { get; set; }

        protected override void BeginProcessing()
        {
            _profile = ResolveChainProfile();
        }

        protected override void ProcessRecord()
        {
            if (!IsValidPipedAddress(Address, nameof(Address)))
            {
                return;
            }

            string address = Address ?? Invoke(() =>
                KeyResolver.ResolveAddress(Paths, CreateKeyRequest(PrivateKey, null, null)) ??
                throw new FabstirException(
                    KeyResolver.KeyNotFoundErrorId,
                    FabstirErrorCategory.ObjectNotFound,
                    "No host to read: give -Address, or a host key (-PrivateKey, " +
                    $"{KeyResolver.FabstirKeyVariable}, {KeyResolver.NodeKeyVariable}, or a keystore).",
                    Paths.KeystoreFile));
            var chain = new FabstirChain(_profile!, Log);
            WriteObject(Run(token => EarningsPlanner.GetAsync(chain, address, Token, token)), true);
        }
    }
}
