using System.Collections;
using System.Management.Automation;
using System.Security;
using FabstirHost.Core;
using FabstirHost.Core.Config;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Stores an existing host key in the encrypted keystore.</para>
    /// <para type="description">Takes the key from -PrivateKey (a SecureString, e.g. from Read-Host -AsSecureString) or, with -FromEnvironment, from FABSTIR_HOST_PRIVATE_KEY, then HOST_PRIVATE_KEY. The key must be 0x followed by 64 hexadecimal digits. It is encrypted with scrypt into keystore.json in the home folder, readable by the owner only; after that the environment variable can be removed. An existing keystore is replaced only with -Force.</para>
    /// </summary>
    /// <example>
    /// <code>Import-FabstirWallet -PrivateKey (Read-Host -AsSecureString 'Host key')</code>
    /// <para>Asks for the key without echo, then for the keystore password (twice), and stores the key encrypted.</para>
    /// </example>
    /// <example>
    /// <code>Import-FabstirWallet -FromEnvironment -KeystorePasswordFile /run/secrets/fabstir-password</code>
    /// <para>Moves a key kept in HOST_PRIVATE_KEY into the keystore, non-interactively.</para>
    /// </example>
    [Cmdlet(
        VerbsData.Import,
        "FabstirWallet",
        SupportsShouldProcess = true,
        ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = PrivateKeySet)]
    [OutputType(typeof(FabstirKeystore))]
    public sealed class ImportFabstirWalletCommand : FabstirKeystoreWriterCmdlet
    {
        private const string PrivateKeySet = "PrivateKey";
        private const string EnvironmentSet = "Environment";

        /// <summary>
        /// <para type="description">The private key to import, as 0x and 64 hexadecimal digits.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = PrivateKeySet)]
        public SecureString? PrivateKey { get; set; }

        /// <summary>
        /// <para type="description">Imports the key from FABSTIR_HOST_PRIVATE_KEY, or else from the node's HOST_PRIVATE_KEY.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = EnvironmentSet)]
        public SwitchParameter FromEnvironment { get; set; }

        protected override void EndProcessing()
        {
            FabstirKeystore? keystore = WriteKeystore(ObtainKey, "Import the host key");
            if (keystore != null)
            {
                WriteObject(keystore);
            }
        }

        private HostKey ObtainKey()
        {
            if (PrivateKey != null)
            {
                return HostKeyStore.ParsePrivateKey(PrivateKey, KeySource.Parameter);
            }

            IDictionary environment = System.Environment.GetEnvironmentVariables();
            foreach (var (variable, source) in new[]
            {
                (KeyResolver.FabstirKeyVariable, KeySource.FabstirEnvironment),
                (KeyResolver.NodeKeyVariable, KeySource.NodeEnvironment),
            })
            {
                if (environment[variable] is string value && value.Length > 0)
                {
                    WriteVerbose($"Importing the key from {variable}.");
                    return HostKeyStore.ParsePrivateKey(KeyResolver.ToSecure(value), source);
                }
            }

            throw new FabstirException(
                KeyResolver.KeyNotFoundErrorId,
                FabstirErrorCategory.ObjectNotFound,
                $"-FromEnvironment was given but neither {KeyResolver.FabstirKeyVariable} nor " +
                $"{KeyResolver.NodeKeyVariable} is set.",
                KeyResolver.FabstirKeyVariable);
        }
    }
}
