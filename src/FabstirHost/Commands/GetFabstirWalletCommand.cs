using System.Management.Automation;
using System.Security;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Config;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the ETH, FAB and USDC balances of the host's address or any address.</para>
    /// <para type="description">Without -Address, the host's own address is used: from -PrivateKey, FABSTIR_HOST_PRIVATE_KEY, HOST_PRIVATE_KEY, or the keystore's address field (no password is needed to read it). Balances are given in whole units (Eth, Fab, Usdc) and raw base units (EthWei, FabRaw, UsdcRaw). The RPC's chain id is checked first.</para>
    /// </summary>
    /// <example>
    /// <code>Get-FabstirWallet</code>
    /// <para>Shows the balances of the host's own address on Base Sepolia.</para>
    /// </example>
    /// <example>
    /// <code>Get-FabstirWallet 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 -RpcUrl http://127.0.0.1:8545</code>
    /// <para>Reads any address on a local chain; no key is involved.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "FabstirWallet")]
    [OutputType(typeof(FabstirWallet))]
    public sealed class GetFabstirWalletCommand : FabstirChainCmdlet
    {
        /// <summary>
        /// <para type="description">The address to read. No key is needed. Accepts the Address property of piped objects.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        public string? Address { get; set; }

        /// <summary>
        /// <para type="description">A host private key whose address to read, instead of the environment or keystore.</para>
        /// </summary>
        [Parameter]
        public SecureString? PrivateKey { get; set; }

        private ChainProfile? _profile;

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

            string address = Address ?? Invoke(HostAddress);
            var chain = new FabstirChain(_profile!, Log);
            WriteObject(Run(token => FabstirWallet.ReadAsync(chain, address, token)));
        }

        private string HostAddress()
        {
            return KeyResolver.ResolveAddress(Paths, CreateKeyRequest(PrivateKey, null, null)) ??
                throw new FabstirException(
                    KeyResolver.KeyNotFoundErrorId,
                    FabstirErrorCategory.ObjectNotFound,
                    "No address to read: give -Address, or a host key (-PrivateKey, " +
                    $"{KeyResolver.FabstirKeyVariable}, {KeyResolver.NodeKeyVariable}, or a keystore at " +
                    $"'{Paths.KeystoreFile}').",
                    Paths.KeystoreFile);
        }
    }
}
