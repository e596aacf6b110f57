using System.Management.Automation;
using System.Security;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Core.Config;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets a host as the NodeRegistry records it: registration, stake, URL, models, metadata and prices.</para>
    /// <para type="description">Without -Address, the host of the key is read (the key is not unlocked: the keystore's address field is enough). Models are named repo:file where the ModelRegistry knows them; the metadata JSON is parsed into MetadataFields; prices are listed per model in the native coin (gwei per million tokens) and USDC (USDC per million tokens), with the contract's raw values and the registry's pricing generation (Legacy or Phase18). A host that is not registered is returned with IsRegistered false. No key is needed to read any other host.</para>
    /// </summary>
    /// <example>
    /// <code>Get-FabstirHost</code>
    /// <para>Shows the host of this machine's key.</para>
    /// </example>
    /// <example>
    /// <code>(Get-FabstirHost -Address 0x70997970C51812dc3A010C7d01b50e0d17dc79C8).Prices | Format-Table</code>
    /// <para>Lists another host's prices per model and token.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "FabstirHost")]
    [OutputType(typeof(FabstirHostInfo))]
    public sealed class GetFabstirHostCommand : FabstirChainCmdlet
    {
        private ChainProfile? _profile;

        /// <summary>
        /// <para type="description">The host address to read; accepts strings and the Address or HostAddress property of piped objects.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("HostAddress")]
        public string? Address { get; set; }

        /// <summary>
        /// <para type="description">A host private key whose host to read, instead of the environment or keystore.</para>
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

            string address = Address ?? Invoke(OwnAddress);
            HostConfig? config = Invoke(() => HostConfigStore.Load(Paths));
            var host = Invoke(() => new HostContext(new FabstirChain(_profile!, Log), address, config));
            WriteObject(Run(token => HostReader.ReadAsync(host, token)));
        }

        private string OwnAddress()
        {
            return KeyResolver.ResolveAddress(Paths, CreateKeyRequest(PrivateKey, null, null)) ??
                throw new FabstirException(
                    KeyResolver.KeyNotFoundErrorId,
                    FabstirErrorCategory.ObjectNotFound,
                    "No host to read: give -Address, or a host key (-PrivateKey, " +
                    $"{KeyResolver.FabstirKeyVariable}, {KeyResolver.NodeKeyVariable}, or a keystore at " +
                    $"'{Paths.KeystoreFile}').",
                    Paths.KeystoreFile);
        }
    }
}
